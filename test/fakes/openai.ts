import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { type FakeRequest, type FakeResponse } from './fake-server';
import { sampleImage, type SampleFormat } from './sample-image';
import { ProviderFake } from './provider-fake';

/**
 * A local OpenAI speaking the Images API (generations, edits) and chat completions as
 * documented: Bearer auth, per-model parameter validation with OpenAI's error bodies
 * (`{ error: { message, type, param, code } }`), `url` or `b64_json` outputs with real image
 * bytes, and switches for outages, rate limits, spent quota and the safety system.
 */
export class OpenAIFake extends ProviderFake {
  readonly apiKeys: Set<string>;
  /** Every call answers 500 `server_error` while set. */
  failing = false;
  /** Keys answered with 429 `rate_limit_exceeded` and this Retry-After (seconds). */
  readonly rateLimitedKeys = new Map<string, number>();
  /** Keys answered with 429 `insufficient_quota`. */
  readonly keysWithoutQuota = new Set<string>();
  /** Prompts containing this word are refused by the "safety system". */
  blockedWord = 'forbidden';
  /** Images served, in order, as `url` files or `b64_json` payloads. */
  readonly servedImages: Buffer[] = [];
  /** Chat replies served, in order. */
  readonly servedTexts: string[] = [];
  /** The parsed multipart form of the last edit. */
  lastEdit?: { fields: Record<string, string[]>; files: Array<{ field: string; filename: string; type: string; bytes: Buffer }> };
  private readonly files = new Map<string, { data: Buffer; type: string }>();

  constructor(options: { apiKeys?: string[] } = {}) {
    super();
    this.apiKeys = new Set(options.apiKeys ?? ['sk-test-openai']);
    this.server
      .route('POST', '/v1/images/generations', (req) => this.guard(req) ?? this.generations(req))
      .route('POST', '/v1/images/edits', async (req) => this.guard(req) ?? (await this.edits(req)))
      .route('POST', '/v1/chat/completions', (req) => this.guard(req) ?? this.chat(req))
      .route('GET', '/v1/models', (req) => this.guard(req) ?? this.models())
      .route('GET', '/files/:name', (req) => {
        const file = this.files.get(req.params.name ?? '');
        return file ? { body: file.data, headers: { 'content-type': file.type } } : { status: 404, body: 'not found' };
      });
  }

  private guard(req: FakeRequest): FakeResponse | undefined {
    if (this.failing) return openaiError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
    const header = req.headers.authorization ?? '';
    const key = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    if (!key) {
      return openaiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'invalid_request_error', null, null);
    }
    if (!this.apiKeys.has(key)) {
      return openaiError(401, `Incorrect API key provided: ${key.slice(0, 3)}***${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', null, 'invalid_api_key');
    }
    const retryAfter = this.rateLimitedKeys.get(key);
    if (retryAfter !== undefined) {
      return { ...openaiError(429, 'Rate limit reached for requests. Please try again later.', 'requests', null, 'rate_limit_exceeded'), headers: { 'retry-after': String(retryAfter) } };
    }
    if (this.keysWithoutQuota.has(key)) {
      return openaiError(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', null, 'insufficient_quota');
    }
    return undefined;
  }

  /** `GET /v1/models`, the list-models call the health probe makes. */
  private models(): FakeResponse {
    const data = [...Object.keys(IMAGE_RULES), 'gpt-4o-mini'].map((id) => ({ id, object: 'model', created: 1_698_785_189, owned_by: 'system' }));
    return { json: { object: 'list', data } };
  }

  private async generations(req: FakeRequest): Promise<FakeResponse> {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return openaiError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null, null);
    const model = typeof body.model === 'string' ? body.model : 'dall-e-2';
    const rules = IMAGE_RULES[model];
    if (!rules) return invalidValue('model', model, Object.keys(IMAGE_RULES));
    const problem = validate(body, rules.generation, rules);
    if (problem) return problem;
    const prompt = body.prompt as string;
    if (prompt.toLowerCase().includes(this.blockedWord)) return this.safetyRefusal(model);
    const n = (body.n as number | undefined) ?? 1;
    const format = (body.output_format as SampleFormat | undefined) ?? 'png';
    const [width, height] = sizeOf(body.size as string | undefined);
    const b64 = model === 'gpt-image-1' || body.response_format === 'b64_json';
    const data = [];
    for (let i = 0; i < n; i++) {
      const image = await sampleImage(format, width, height, this.servedImages.length);
      data.push({ ...this.deliver(image, format, b64), ...(model === 'dall-e-3' ? { revised_prompt: `${prompt}, detailed` } : {}) });
    }
    return { json: { created: Math.floor(Date.now() / 1000), data, ...(model === 'gpt-image-1' ? { output_format: format, usage: usage(prompt) } : {}) } };
  }

  private async edits(req: FakeRequest): Promise<FakeResponse> {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) {
      return openaiError(400, "Invalid Content-Type header (application/json), expected multipart/form-data. (HINT: If you're using curl, you can pass -F 'key=value' to send form data.)", 'invalid_request_error', null, null);
    }
    const form = await new Response(req.body, { headers: { 'content-type': type } }).formData();
    const fields: Record<string, string[]> = {};
    const files: Array<{ field: string; filename: string; type: string; bytes: Buffer }> = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') (fields[field] ??= []).push(value);
      else files.push({ field, filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    this.lastEdit = { fields, files };
    const model = fields.model?.[0] ?? 'dall-e-2';
    const rules = IMAGE_RULES[model];
    if (!rules?.edit) return invalidValue('model', model, ['dall-e-2', 'gpt-image-1']);
    const scalar: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) scalar[k] = k === 'n' || k === 'output_compression' ? Number(v[0]) : v[0];
    const problem = validate(scalar, rules.edit, rules);
    if (problem) return problem;
    const images = files.filter((f) => f.field === 'image' || f.field === 'image[]');
    const stray = files.find((f) => f.field !== 'image' && f.field !== 'image[]' && f.field !== 'mask');
    if (stray) return openaiError(400, `Unknown parameter: '${stray.field}'.`, 'invalid_request_error', stray.field, 'unknown_parameter');
    if (images.length === 0) return openaiError(400, "Missing required parameter: 'image'.", 'invalid_request_error', 'image', 'missing_required_parameter');
    if (images.length > rules.maxEditImages) {
      return openaiError(400, `Invalid 'image': too many images, at most ${rules.maxEditImages}.`, 'invalid_request_error', 'image', 'invalid_value');
    }
    for (const image of images) {
      const meta = await sharp(image.bytes).metadata().catch(() => undefined);
      if (!meta || !['png', 'jpeg', 'webp'].includes(meta.format ?? '')) {
        return openaiError(400, "Invalid image file or mode for image 1, please check your image file.", 'invalid_request_error', 'image', 'invalid_image_file');
      }
      if (model === 'dall-e-2' && (meta.format !== 'png' || meta.width !== meta.height || image.bytes.length > 4 * 1024 * 1024)) {
        return openaiError(400, 'Invalid input image - format must be in [\'RGBA\', \'LA\', \'L\'], got RGB.', 'invalid_request_error', 'image', 'invalid_image_format');
      }
    }
    const prompt = scalar.prompt as string;
    if (prompt.toLowerCase().includes(this.blockedWord)) return this.safetyRefusal(model);
    const n = (scalar.n as number | undefined) ?? 1;
    const format = (scalar.output_format as SampleFormat | undefined) ?? 'png';
    const [width, height] = sizeOf(scalar.size as string | undefined);
    const b64 = model === 'gpt-image-1' || scalar.response_format === 'b64_json';
    const data = [];
    for (let i = 0; i < n; i++) data.push(this.deliver(await sampleImage(format, width, height, this.servedImages.length), format, b64));
    return { json: { created: Math.floor(Date.now() / 1000), data } };
  }

  private chat(req: FakeRequest): FakeResponse {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return openaiError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null, null);
    const unknown = Object.keys(body).find((k) => !CHAT_FIELDS.has(k));
    if (unknown) return openaiError(400, `Unrecognized request argument supplied: ${unknown}`, 'invalid_request_error', null, null);
    if (typeof body.model !== 'string') return openaiError(400, "Missing required parameter: 'model'.", 'invalid_request_error', 'model', 'missing_required_parameter');
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      return openaiError(400, "Invalid 'messages': empty array. Expected an array with minimum length 1.", 'invalid_request_error', 'messages', 'empty_array');
    }
    for (const [i, m] of (messages as Array<Record<string, unknown>>).entries()) {
      if (!['system', 'developer', 'user', 'assistant'].includes(String(m.role)) || typeof m.content !== 'string') {
        return openaiError(400, `Invalid value for 'messages[${i}]'.`, 'invalid_request_error', `messages[${i}]`, 'invalid_value');
      }
    }
    const t = body.temperature;
    if (t !== undefined && (typeof t !== 'number' || t < 0 || t > 2)) {
      return openaiError(400, `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${JSON.stringify(t)} instead.`, 'invalid_request_error', 'temperature', 'decimal_above_max_value');
    }
    const user = (messages as Array<{ role: string; content: string }>).filter((m) => m.role === 'user').at(-1)?.content ?? '';
    const refused = user.toLowerCase().includes(this.blockedWord);
    const content = refused ? null : `${user}, golden hour light, 35mm photograph, rich detail`;
    if (content) this.servedTexts.push(content);
    return {
      json: {
        id: `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: `${body.model}-2024-07-18`,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: refused ? "I'm sorry, I can't help with that request." : null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: usage(user),
      },
    };
  }

  private safetyRefusal(model: string): FakeResponse {
    return model === 'gpt-image-1'
      ? openaiError(400, 'Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID req_123.', 'image_generation_user_error', null, 'moderation_blocked')
      : openaiError(400, 'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.', 'invalid_request_error', null, 'content_policy_violation');
  }

  private deliver(image: Buffer, format: SampleFormat, b64: boolean): { url: string } | { b64_json: string } {
    this.servedImages.push(image);
    if (b64) return { b64_json: image.toString('base64') };
    const name = `img-${randomUUID()}.${format === 'jpeg' ? 'jpg' : format}`;
    this.files.set(name, { data: image, type: `image/${format}` });
    return { url: `${this.server.url}/files/${name}` };
  }
}

interface ImageRules {
  generation: Record<string, FieldRule>;
  edit?: Record<string, FieldRule>;
  maxPrompt: number;
  maxEditImages: number;
}
type FieldRule = { values: readonly string[] } | { int: [number, number] } | 'string';

const GPT_IMAGE_GENERATION: Record<string, FieldRule> = {
  model: 'string',
  prompt: 'string',
  n: { int: [1, 10] },
  size: { values: ['auto', '1024x1024', '1536x1024', '1024x1536'] },
  quality: { values: ['auto', 'low', 'medium', 'high'] },
  background: { values: ['auto', 'transparent', 'opaque'] },
  output_format: { values: ['png', 'jpeg', 'webp'] },
  output_compression: { int: [0, 100] },
  moderation: { values: ['auto', 'low'] },
  user: 'string',
};

const IMAGE_RULES: Record<string, ImageRules> = {
  'gpt-image-1': {
    generation: GPT_IMAGE_GENERATION,
    edit: (({ moderation: _m, ...rest }) => ({ ...rest, input_fidelity: { values: ['low', 'high'] } }))(GPT_IMAGE_GENERATION),
    maxPrompt: 32_000,
    maxEditImages: 16,
  },
  'dall-e-3': {
    generation: {
      model: 'string',
      prompt: 'string',
      n: { int: [1, 1] },
      size: { values: ['1024x1024', '1792x1024', '1024x1792'] },
      quality: { values: ['standard', 'hd'] },
      style: { values: ['vivid', 'natural'] },
      response_format: { values: ['url', 'b64_json'] },
      user: 'string',
    },
    maxPrompt: 4_000,
    maxEditImages: 0,
  },
  'dall-e-2': {
    generation: {
      model: 'string',
      prompt: 'string',
      n: { int: [1, 10] },
      size: { values: ['256x256', '512x512', '1024x1024'] },
      response_format: { values: ['url', 'b64_json'] },
      user: 'string',
    },
    edit: {
      model: 'string',
      prompt: 'string',
      n: { int: [1, 10] },
      size: { values: ['256x256', '512x512', '1024x1024'] },
      response_format: { values: ['url', 'b64_json'] },
      user: 'string',
    },
    maxPrompt: 1_000,
    maxEditImages: 1,
  },
};

const CHAT_FIELDS = new Set(['model', 'messages', 'temperature', 'top_p', 'n', 'stream', 'stop', 'max_tokens', 'max_completion_tokens', 'presence_penalty', 'frequency_penalty', 'user', 'seed', 'response_format']);

function validate(body: Record<string, unknown>, fields: Record<string, FieldRule>, rules: ImageRules): FakeResponse | undefined {
  for (const [key, value] of Object.entries(body)) {
    const rule = fields[key];
    if (!rule) return openaiError(400, `Unknown parameter: '${key}'.`, 'invalid_request_error', key, 'unknown_parameter');
    if (rule === 'string') {
      if (typeof value !== 'string') return openaiError(400, `Invalid type for '${key}': expected a string.`, 'invalid_request_error', key, 'invalid_type');
    } else if ('values' in rule) {
      if (!rule.values.includes(String(value))) return invalidValue(key, String(value), rule.values);
    } else if (!Number.isInteger(value) || (value as number) < rule.int[0] || (value as number) > rule.int[1]) {
      return openaiError(400, `Invalid '${key}': expected an integer between ${rule.int[0]} and ${rule.int[1]}, got ${String(value)}.`, 'invalid_request_error', key, 'integer_out_of_range');
    }
  }
  if (typeof body.prompt !== 'string' || body.prompt.length === 0) {
    return openaiError(400, "Missing required parameter: 'prompt'.", 'invalid_request_error', 'prompt', 'missing_required_parameter');
  }
  if (body.prompt.length > rules.maxPrompt) {
    return openaiError(400, `Invalid 'prompt': string too long. Expected a string with maximum length ${rules.maxPrompt}, but got a string with length ${body.prompt.length} instead.`, 'invalid_request_error', 'prompt', 'string_above_max_length');
  }
  return undefined;
}

function invalidValue(param: string, value: string, supported: readonly string[]): FakeResponse {
  return openaiError(400, `Invalid value: '${value}'. Supported values are: ${supported.map((v) => `'${v}'`).join(', ')}.`, 'invalid_request_error', param, 'invalid_value');
}

export function openaiError(status: number, message: string, type: string, param: string | null, code: string | null): FakeResponse {
  return { status, json: { error: { message, type, param, code } } };
}

function sizeOf(size: string | undefined): [number, number] {
  const value = !size || size === 'auto' ? '1024x1024' : size;
  const [w, h] = value.split('x').map(Number) as [number, number];
  // Real images at an eighth of the size: tests check the bytes, not the megapixels. Aspect is kept.
  return [Math.round(w / 8), Math.round(h / 8)];
}

function usage(prompt: string) {
  const input = Math.ceil(prompt.length / 4);
  return { prompt_tokens: input, completion_tokens: 20, total_tokens: input + 20 };
}
