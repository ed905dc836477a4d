import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { FakeRequest, FakeResponse } from './fake-server';
import { bearerOf, readMultipart, type MultipartForm } from './fake-files';
import { ProviderFake } from './provider-fake';
import { sampleImage, type SampleFormat } from './sample-image';

type Rule = { type: 'text' } | { type: 'enum'; values: readonly string[] } | { type: 'number'; min: number; max: number; integer?: boolean };

const RATIOS = ['16:9', '1:1', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'];
const FORMATS = ['png', 'jpeg', 'webp'];
const common: Record<string, Rule> = {
  prompt: { type: 'text' },
  negative_prompt: { type: 'text' },
  seed: { type: 'number', min: 0, max: 4294967294, integer: true },
  output_format: { type: 'enum', values: FORMATS },
  style_preset: { type: 'text' },
};

/** Form fields each endpoint documents (besides `image`), and whether prompt/image are required. */
const ENDPOINTS: Record<string, { fields: Record<string, Rule>; prompt: boolean; image: 'none' | 'optional' | 'required'; async?: boolean }> = {
  'generate/ultra': { fields: { ...common, aspect_ratio: { type: 'enum', values: RATIOS }, strength: { type: 'number', min: 0, max: 1 } }, prompt: true, image: 'optional' },
  'generate/core': { fields: { ...common, aspect_ratio: { type: 'enum', values: RATIOS } }, prompt: true, image: 'none' },
  'generate/sd3': {
    fields: {
      ...common,
      output_format: { type: 'enum', values: ['png', 'jpeg'] },
      aspect_ratio: { type: 'enum', values: RATIOS },
      strength: { type: 'number', min: 0, max: 1 },
      cfg_scale: { type: 'number', min: 1, max: 10 },
      mode: { type: 'enum', values: ['text-to-image', 'image-to-image'] },
      model: { type: 'enum', values: ['sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash'] },
    },
    prompt: true,
    image: 'optional',
  },
  'upscale/fast': { fields: { output_format: common.output_format! }, prompt: false, image: 'required' },
  'upscale/conservative': { fields: { ...common, creativity: { type: 'number', min: 0.2, max: 0.5 } }, prompt: true, image: 'required' },
  'upscale/creative': { fields: { ...common, creativity: { type: 'number', min: 0.1, max: 0.5 } }, prompt: true, image: 'required', async: true },
};

const error = (status: number, name: string, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { id: randomUUID().replace(/-/g, ''), name, errors: [message] },
  ...(headers ? { headers } : {}),
});

interface Job {
  id: string;
  polls: number;
  output: { data: Buffer; type: string };
}

/**
 * A local Stability AI v2beta: Bearer keys, multipart forms validated per endpoint (unknown
 * fields, enums, ranges, strength without image, image-to-image rules), `Accept: image/*` answered
 * with image bytes and `finish-reason`/`seed` headers (or JSON with base64), the creative upscale
 * as an id polled at `/v2beta/results/{id}` (202 in progress, then the image), the real error
 * bodies (`{ id, name, errors }`: content_moderation 403, payment_required 402,
 * rate_limit_exceeded 429 with Retry-After), and an outage switch.
 */
export class StabilityFake extends ProviderFake {
  readonly apiKeys: Set<string>;
  failing = false;
  readonly rateLimitedKeys = new Map<string, number>();
  readonly keysWithoutCredits = new Set<string>();
  /** Prompts containing this word are refused by moderation (403). */
  blockedWord = 'forbidden';
  /** While set, outputs come back blurred with `finish-reason: CONTENT_FILTERED`. */
  filterOutputs = false;
  /** Polls of a creative upscale answered 202 before the image. */
  pollsToFinish = 1;
  readonly served: Buffer[] = [];
  readonly forms: Array<{ endpoint: string; form: MultipartForm; accept: string }> = [];
  private readonly jobs = new Map<string, Job>();

  constructor(options: { apiKeys?: string[] } = {}) {
    super();
    this.apiKeys = new Set(options.apiKeys ?? ['sk-stability-test']);
    this.server
      .route('POST', '/v2beta/stable-image/:group/:name', async (req) => this.guard(req) ?? (await this.post(req)))
      .route('GET', '/v2beta/results/:id', (req) => this.guard(req) ?? this.result(req));
  }

  private guard(req: FakeRequest): FakeResponse | undefined {
    if (this.failing) return error(500, 'internal_error', 'An unexpected server error has occurred, please try again later.');
    const key = bearerOf(req);
    if (!key || !this.apiKeys.has(key)) return error(401, 'unauthorized', 'authorization: invalid or missing header value');
    const retryAfter = this.rateLimitedKeys.get(key);
    if (retryAfter !== undefined) {
      return error(429, 'rate_limit_exceeded', 'You have exceeded the rate limit of 150 requests within a 10 second period, and have been timed out for 60 seconds.', { 'retry-after': String(retryAfter) });
    }
    if (this.keysWithoutCredits.has(key) && req.method === 'POST') {
      return error(402, 'payment_required', 'You lack sufficient credits to make this request. Please purchase more credits at https://platform.stability.ai/account/credits and try again.');
    }
    return undefined;
  }

  private async post(req: FakeRequest): Promise<FakeResponse> {
    const endpoint = `${req.params.group}/${req.params.name}`;
    const spec = ENDPOINTS[endpoint];
    if (!spec) return error(404, 'not_found', `${req.path} does not exist`);
    const accept = req.headers.accept ?? '';
    if (!spec.async && accept !== 'image/*' && accept !== 'application/json') return error(400, 'bad_request', "accept: must be either 'image/*' or 'application/json'");
    const form = await readMultipart(req);
    if (!form) return error(400, 'bad_request', 'content-type: must be multipart/form-data');
    this.forms.push({ endpoint, form, accept });
    const problem = validate(spec, form);
    if (problem) return error(400, 'bad_request', problem);
    const prompt = form.fields.prompt?.[0] ?? '';
    if (prompt.toLowerCase().includes(this.blockedWord)) {
      return error(403, 'content_moderation', 'Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.');
    }
    const format = (form.fields.output_format?.[0] ?? 'png') as SampleFormat;
    const output = await this.render(endpoint, form, format);
    if (spec.async) {
      const job: Job = { id: randomUUID().replace(/-/g, ''), polls: 0, output };
      this.jobs.set(job.id, job);
      return { json: { id: job.id } };
    }
    return this.deliver(output, accept);
  }

  private async render(endpoint: string, form: MultipartForm, format: SampleFormat): Promise<{ data: Buffer; type: string }> {
    let width: number;
    let height: number;
    const image = form.files.find((f) => f.field === 'image');
    if (image) {
      const meta = await sharp(image.bytes).metadata();
      const scale = endpoint.startsWith('upscale/') ? 4 : 1;
      width = (meta.width ?? 24) * scale;
      height = (meta.height ?? 24) * scale;
    } else {
      const [w, h] = (form.fields.aspect_ratio?.[0] ?? '1:1').split(':').map(Number);
      width = w! * 16;
      height = h! * 16;
    }
    const data = await sampleImage(format, width, height, this.served.length);
    this.served.push(data);
    return { data, type: `image/${format}` };
  }

  private deliver(output: { data: Buffer; type: string }, accept: string): FakeResponse {
    const finish = this.filterOutputs ? 'CONTENT_FILTERED' : 'SUCCESS';
    const headers = { 'finish-reason': finish, seed: '1234567' };
    if (accept === 'application/json') return { json: { image: output.data.toString('base64'), finish_reason: finish, seed: 1234567 }, headers };
    return { body: output.data, headers: { ...headers, 'content-type': output.type } };
  }

  private result(req: FakeRequest): FakeResponse {
    const job = this.jobs.get(req.params.id ?? '');
    if (!job) return error(404, 'not_found', `generation ${req.params.id} not found (results are kept for 24 hours)`);
    job.polls++;
    if (job.polls <= this.pollsToFinish) return { status: 202, json: { id: job.id, status: 'in-progress' } };
    return this.deliver(job.output, req.headers.accept === 'application/json' ? 'application/json' : 'image/*');
  }
}

function validate(spec: (typeof ENDPOINTS)[string], form: MultipartForm): string | undefined {
  const images = form.files.filter((f) => f.field === 'image');
  const stray = form.files.find((f) => f.field !== 'image');
  if (stray) return `${stray.field}: unexpected file`;
  for (const [field, values] of Object.entries(form.fields)) {
    const rule = spec.fields[field];
    if (!rule) return `${field}: unknown field`;
    const value = values[0]!;
    if (rule.type === 'enum' && !rule.values.includes(value)) return `${field}: must be one of ${rule.values.join(', ')}`;
    if (rule.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < rule.min || n > rule.max || (rule.integer && !Number.isInteger(n))) return `${field}: must be a number between ${rule.min} and ${rule.max}`;
    }
  }
  if (spec.prompt && !form.fields.prompt?.[0]) return 'prompt: cannot be empty';
  if (!spec.prompt && form.fields.prompt) return 'prompt: unknown field';
  if (spec.image === 'required' && images.length !== 1) return 'image: required';
  if (spec.image === 'none' && images.length > 0) return 'image: unknown field';
  const hasImage = images.length > 0;
  if (form.fields.strength && !hasImage) return 'strength: requires an image';
  if (hasImage && spec.image === 'optional' && !form.fields.strength) return 'strength: required when an image is provided';
  if (form.fields.mode?.[0] === 'image-to-image' && !hasImage) return 'image: required for image-to-image mode';
  if (hasImage && spec.fields.mode && form.fields.mode?.[0] !== 'image-to-image') return 'mode: must be image-to-image when an image is provided';
  if (hasImage && form.fields.aspect_ratio && spec.image === 'optional') return 'aspect_ratio: cannot be used with an image';
  return undefined;
}
