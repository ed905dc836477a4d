import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { type FakeRequest, type FakeResponse, type FakeServer } from './fake-server';
import { tinyMp4 } from './mp4';
import { sampleImage, type SampleFormat } from './sample-image';
import { ProviderFake } from './provider-fake';

type FieldRule =
  | { type: 'string'; required?: boolean }
  | { type: 'boolean' }
  | { type: 'integer'; min: number; max: number }
  | { type: 'number'; min: number; max: number }
  | { type: 'enum'; values: readonly string[] };

const ASPECT = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21'] as const;
const FORMATS = ['webp', 'jpg', 'png'] as const;

/**
 * The models' input schemas, as on their Replicate API pages. `media: 'upscale'`: the output is
 * the input image (`image`) at `scale` times its size, as PNG. `version`: a community model,
 * run only by that version through `POST /v1/predictions` (the per-model endpoint is for
 * official models).
 */
const MODELS: Record<string, { inputs: Record<string, FieldRule>; output: 'list' | 'single'; media: 'image' | 'video' | 'upscale'; version?: string }> = {
  'black-forest-labs/flux-schnell': {
    output: 'list',
    media: 'image',
    inputs: {
      prompt: { type: 'string', required: true },
      aspect_ratio: { type: 'enum', values: ASPECT },
      num_outputs: { type: 'integer', min: 1, max: 4 },
      num_inference_steps: { type: 'integer', min: 1, max: 4 },
      seed: { type: 'integer', min: 0, max: 2 ** 31 },
      output_format: { type: 'enum', values: FORMATS },
      output_quality: { type: 'integer', min: 0, max: 100 },
      disable_safety_checker: { type: 'boolean' },
      go_fast: { type: 'boolean' },
      megapixels: { type: 'enum', values: ['1', '0.25'] },
    },
  },
  'black-forest-labs/flux-1.1-pro': {
    output: 'single',
    media: 'image',
    inputs: {
      prompt: { type: 'string', required: true },
      // Its API page lists no 21:9 / 9:21 (flux-schnell's does).
      aspect_ratio: { type: 'enum', values: ['custom', '1:1', '16:9', '3:2', '2:3', '4:5', '5:4', '9:16', '3:4', '4:3'] },
      width: { type: 'integer', min: 256, max: 1440 },
      height: { type: 'integer', min: 256, max: 1440 },
      image_prompt: { type: 'string' },
      safety_tolerance: { type: 'integer', min: 1, max: 6 },
      seed: { type: 'integer', min: 0, max: 2 ** 31 },
      output_format: { type: 'enum', values: FORMATS },
      output_quality: { type: 'integer', min: 0, max: 100 },
      prompt_upsampling: { type: 'boolean' },
    },
  },
  'minimax/video-01': {
    output: 'single',
    media: 'video',
    inputs: {
      prompt: { type: 'string', required: true },
      prompt_optimizer: { type: 'boolean' },
      first_frame_image: { type: 'string' },
      subject_reference: { type: 'string' },
    },
  },
  'nightmareai/real-esrgan': {
    output: 'single',
    media: 'upscale',
    version: '42fed1c4974146d4d2414e2be2c5277c7fcf05fcc3a73abf41610695738c1d7b',
    inputs: {
      image: { type: 'string', required: true },
      scale: { type: 'number', min: 0, max: 10 },
      face_enhance: { type: 'boolean' },
    },
  },
};

type Status = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';
/** `aborted`: Replicate's status for a prediction whose deadline passed before it started. */
export type ReplicateOutcome = 'succeeded' | 'failed' | 'nsfw' | 'aborted';

interface PredictionState {
  id: string;
  model: string;
  input: Record<string, unknown>;
  status: Status;
  polls: number;
  logs: string;
  output: string | string[] | null;
  error: string | null;
  outcome: ReplicateOutcome;
  webhook?: string;
  events: string[];
  createdAt: string;
  /** The token that created it: predictions belong to the account, another token gets 404. */
  owner: string;
}

/**
 * A local Replicate: predictions on official models (create, get, cancel) as documented —
 * Bearer (or legacy Token) auth, input validation with 422 problem bodies, status moving
 * starting → processing (tqdm logs) → an outcome over successive polls, output URLs served
 * here, webhooks signed the Standard Webhooks way, 402/429 bodies and an outage switch.
 * Each token is an account of its own: a prediction and its output files are found only with
 * the token that created the prediction.
 */
export class ReplicateFake extends ProviderFake {
  readonly apiKeys: Set<string>;
  failing = false;
  readonly rateLimitedKeys = new Map<string, number>();
  readonly keysWithoutCredit = new Set<string>();
  /** Polls that see the prediction unfinished; the next one sees its outcome. */
  pollsToFinish = 2;
  /** How predictions created from now on end. */
  outcome: ReplicateOutcome = 'succeeded';
  /** The account's webhook signing secret (`GET /v1/webhooks/default/secret`). */
  readonly webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  readonly predictions = new Map<string, PredictionState>();
  readonly servedFiles: Buffer[] = [];
  readonly cancelRequests: string[] = [];
  readonly webhookDeliveries: Array<{ status: number; event: string }> = [];
  private readonly files = new Map<string, { data: Buffer; type: string; owner?: string }>();
  /**
   * Replicate's docs: output file URLs need the API token in `Authorization`. On by default;
   * a request without a known key gets 401.
   */
  filesNeedAuth = true;
  /** When set, outputs are served from this server instead (a host that is not Replicate's). */
  thirdHost: FakeServer | undefined;

  constructor(options: { apiKeys?: string[] } = {}) {
    super();
    this.apiKeys = new Set(options.apiKeys ?? ['r8_test_replicate']);
    this.server
      .route('POST', '/v1/models/:owner/:name/predictions', async (req) => this.guard(req) ?? (await this.create(req)))
      .route('POST', '/v1/predictions', async (req) => this.guard(req) ?? (await this.createByVersion(req)))
      .route('GET', '/v1/predictions/:id', async (req) => this.guard(req) ?? (await this.get(req)))
      .route('POST', '/v1/predictions/:id/cancel', async (req) => this.guard(req) ?? (await this.cancel(req)))
      .route('GET', '/v1/webhooks/default/secret', (req) => this.guard(req) ?? { json: { key: this.webhookSecret } })
      .route('POST', '/v1/files', async (req) => this.guard(req) ?? (await this.upload(req)))
      .route('GET', '/files/:name', (req) => this.file(req));
  }

  /** Files uploaded through `POST /v1/files`, by id. */
  readonly uploads = new Map<string, { data: Buffer; contentType: string; name: string }>();

  /** The files API as documented: multipart with the file in `content`, answering the file object with `urls.get`. */
  private async upload(req: FakeRequest): Promise<FakeResponse> {
    const type = String(req.headers['content-type'] ?? '');
    if (!type.startsWith('multipart/form-data')) return problem(400, 'Bad request', 'Expected a multipart/form-data body');
    const form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': type } }).formData();
    const content = form.get('content');
    if (!content || typeof content === 'string') return problem(400, 'Bad request', 'The content field with a file is required');
    const id = randomUUID().replace(/-/g, '').slice(0, 20);
    const data = Buffer.from(await content.arrayBuffer());
    const name = content.name || 'file';
    this.uploads.set(id, { data, contentType: content.type || 'application/octet-stream', name });
    this.files.set(`upload-${id}`, { data, type: content.type || 'application/octet-stream' });
    return {
      status: 201,
      json: {
        id,
        name,
        content_type: content.type,
        size: data.length,
        checksums: { sha256: createHash('sha256').update(data).digest('hex') },
        metadata: {},
        created_at: new Date().toISOString(),
        urls: { get: `${this.server.url}/files/upload-${id}` },
      },
    };
  }

  /** An output file; with `filesNeedAuth` only for a caller with a known key, as Replicate's delivery does. */
  file(req: FakeRequest): FakeResponse {
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (this.filesNeedAuth && (!key || !this.apiKeys.has(key))) return problem(401, 'Unauthenticated', 'You did not pass a valid authentication token');
    const file = this.files.get(req.params.name ?? '');
    const visible = file && (!this.filesNeedAuth || file.owner === undefined || file.owner === key);
    return visible ? { body: file.data, headers: { 'content-type': file.type } } : { status: 404, body: 'not found' };
  }

  /** Signs like Replicate: base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed by the secret's base64 part. */
  sign(id: string, timestamp: number, body: string, secret = this.webhookSecret): string {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  }

  /** Finishes a prediction now (as if the model completed), delivering its webhook. */
  async finish(id: string): Promise<void> {
    const state = this.predictions.get(id);
    if (!state) throw new Error(`no prediction ${id}`);
    await this.settle(state);
    await this.notify(state, 'completed');
  }

  private guard(req: FakeRequest): FakeResponse | undefined {
    if (this.failing) return problem(500, 'Internal Server Error', 'An unexpected error occurred. Please try again.');
    const header = req.headers.authorization ?? '';
    const match = /^(Bearer|Token) (.+)$/.exec(header);
    if (!match) return problem(401, 'Unauthenticated', 'You did not pass an authentication token');
    const key = match[2]!;
    if (!this.apiKeys.has(key)) return problem(401, 'Unauthenticated', 'You did not pass a valid authentication token');
    const retryAfter = this.rateLimitedKeys.get(key);
    if (retryAfter !== undefined) {
      return { ...problem(429, 'Request was throttled', `Request was throttled. Expected available in ${retryAfter} seconds.`), headers: { 'content-type': 'application/problem+json', 'retry-after': String(retryAfter) } };
    }
    if (this.keysWithoutCredit.has(key) && req.method === 'POST' && req.path.endsWith('/predictions')) {
      return problem(402, 'Insufficient credit', 'You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit. Once you purchase credit, please wait a few minutes before trying again.');
    }
    return undefined;
  }

  private async create(req: FakeRequest): Promise<FakeResponse> {
    const model = `${req.params.owner}/${req.params.name}`;
    // A community model has no per-model endpoint: Replicate answers 404 for it here.
    if (!MODELS[model] || MODELS[model].version) return problem(404, 'Not found', 'The requested resource could not be found.');
    return this.createFor(model, req, ['input', 'webhook', 'webhook_events_filter', 'stream']);
  }

  /** `POST /v1/predictions`: `version` names the model, as `owner/name` (official) or `owner/name:<version id>`. */
  private async createByVersion(req: FakeRequest): Promise<FakeResponse> {
    const version = (req.json as Record<string, unknown> | undefined)?.version;
    if (typeof version !== 'string') return invalid([{ type: 'required', field: '(root)', description: 'version is required' }]);
    const [model, id] = version.split(':') as [string, string | undefined];
    const spec = MODELS[model];
    const known = spec && (spec.version ? id === spec.version : id === undefined);
    if (!known) return invalid([{ type: 'invalid_version', field: 'version', description: 'Invalid version or not permitted' }]);
    return this.createFor(model, req, ['version', 'input', 'webhook', 'webhook_events_filter', 'stream']);
  }

  private async createFor(model: string, req: FakeRequest, topFields: string[]): Promise<FakeResponse> {
    const spec = MODELS[model]!;
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return problem(400, 'Invalid JSON', 'The request body is not valid JSON.');
    const unknownTop = Object.keys(body).find((k) => !topFields.includes(k));
    if (unknownTop) return invalid([{ type: 'additional_property_not_allowed', field: '(root)', description: `Additional property ${unknownTop} is not allowed` }]);
    const input = body.input as Record<string, unknown> | undefined;
    if (!input || typeof input !== 'object') return invalid([{ type: 'required', field: '(root)', description: 'input is required' }]);
    const issues = validateInput(input, spec.inputs);
    // Replicate takes data URLs for files up to 256 kB; bigger ones must go through the files API.
    for (const [field, value] of Object.entries(input)) {
      if (typeof value === 'string' && value.startsWith('data:') && Buffer.byteLength(value.slice(value.indexOf(',') + 1), 'base64') > 256 * 1024) {
        issues.push({ type: 'too_large', field: `input.${field}`, description: 'data URLs are limited to 256 kB; upload the file with the files API' });
      }
    }
    const events = (body.webhook_events_filter as unknown[] | undefined) ?? ['start', 'output', 'logs', 'completed'];
    if (!Array.isArray(events) || events.some((e) => !['start', 'output', 'logs', 'completed'].includes(String(e)))) {
      issues.push({ type: 'enum', field: 'webhook_events_filter', description: 'webhook_events_filter must be a list of start, output, logs, completed' });
    }
    if (body.webhook !== undefined && (typeof body.webhook !== 'string' || !/^https?:\/\//.test(body.webhook))) {
      issues.push({ type: 'format', field: 'webhook', description: 'Does not match format uri' });
    }
    if (issues.length) return invalid(issues);
    const state: PredictionState = {
      id: randomUUID().replace(/-/g, '').slice(0, 26),
      model,
      input,
      status: 'starting',
      polls: 0,
      logs: '',
      output: null,
      error: null,
      outcome: this.outcome,
      events: events as string[],
      createdAt: new Date().toISOString(),
      owner: tokenOf(req),
      ...(typeof body.webhook === 'string' ? { webhook: body.webhook } : {}),
    };
    this.predictions.set(state.id, state);
    await this.notify(state, 'start');
    // `Prefer: wait` holds the request until the model is done; this fake's models are instant.
    if (/^wait(=\d+)?$/.test(String(req.headers.prefer ?? ''))) await this.settle(state);
    return { status: 201, json: this.view(state) };
  }

  private async get(req: FakeRequest): Promise<FakeResponse> {
    const state = this.predictions.get(req.params.id ?? '');
    if (!state || state.owner !== tokenOf(req)) return problem(404, 'Not found', 'The requested resource could not be found.');
    if (state.status === 'starting' || state.status === 'processing') {
      state.polls++;
      if (state.polls >= this.pollsToFinish) {
        await this.settle(state);
        await this.notify(state, 'completed');
      } else {
        state.status = 'processing';
        const pct = Math.round((state.polls / this.pollsToFinish) * 100);
        state.logs += `${String(pct).padStart(3)}%|${'█'.repeat(pct / 10)}${' '.repeat(10 - pct / 10)}| ${state.polls}/${this.pollsToFinish} [00:01<00:01, 1.00it/s]\n`;
      }
    }
    return { json: this.view(state) };
  }

  private async cancel(req: FakeRequest): Promise<FakeResponse> {
    const state = this.predictions.get(req.params.id ?? '');
    if (!state || state.owner !== tokenOf(req)) return problem(404, 'Not found', 'The requested resource could not be found.');
    this.cancelRequests.push(state.id);
    if (state.status === 'starting' || state.status === 'processing') {
      state.status = 'canceled';
      await this.notify(state, 'completed');
    }
    return { json: this.view(state) };
  }

  private async settle(state: PredictionState): Promise<void> {
    if (state.status !== 'starting' && state.status !== 'processing') return;
    if (state.outcome === 'failed') {
      state.status = 'failed';
      state.error = 'CUDA error: an illegal memory access was encountered';
      return;
    }
    if (state.outcome === 'aborted') {
      state.status = 'aborted';
      return;
    }
    if (state.outcome === 'nsfw') {
      state.status = 'failed';
      state.error = 'NSFW content detected. Try running it again, or try a different prompt.';
      return;
    }
    const spec = MODELS[state.model]!;
    const count = spec.output === 'list' ? ((state.input.num_outputs as number | undefined) ?? 1) : 1;
    const urls: string[] = [];
    for (let i = 0; i < count; i++) urls.push(await this.serve(state, spec.media, i));
    state.status = 'succeeded';
    state.logs += '100%|██████████| done\n';
    state.output = spec.output === 'list' ? urls : urls[0]!;
  }

  private async serve(state: PredictionState, media: 'image' | 'video' | 'upscale', index: number): Promise<string> {
    const seed = this.servedFiles.length;
    let data: Buffer;
    let name: string;
    let type: string;
    if (media === 'upscale') {
      const { width, height } = await sharp(await this.inputBytes(String(state.input.image))).metadata();
      const scale = (state.input.scale as number | undefined) ?? 4;
      data = await sampleImage('png', Math.round(width * scale), Math.round(height * scale), seed);
      [name, type] = [`${state.id}-${index}.png`, 'image/png'];
    } else if (media === 'video') {
      data = tinyMp4({ width: 1280, height: 720, durationSeconds: 6, seed });
      [name, type] = [`${state.id}-${index}.mp4`, 'video/mp4'];
    } else {
      const fmt = (state.input.output_format as string | undefined) ?? 'webp';
      const sharpFormat: SampleFormat = fmt === 'jpg' ? 'jpeg' : (fmt as SampleFormat);
      data = await sampleImage(sharpFormat, 64, 64, seed);
      [name, type] = [`${state.id}-${index}.${fmt}`, `image/${sharpFormat}`];
    }
    this.servedFiles.push(data);
    this.files.set(name, { data, type, owner: state.owner });
    return `${(this.thirdHost ?? this.server).url}/files/${name}`;
  }

  /** An input file as the model would read it: a data URL, a file uploaded here, or any URL. */
  private async inputBytes(url: string): Promise<Buffer> {
    const uploaded = /\/files\/(upload-[^/?#]+)$/.exec(url)?.[1];
    if (uploaded && this.files.has(uploaded)) return this.files.get(uploaded)!.data;
    const res = await fetch(url);
    return Buffer.from(await res.arrayBuffer());
  }

  private view(state: PredictionState) {
    const base = `${this.server.url}/v1/predictions/${state.id}`;
    return {
      id: state.id,
      model: state.model,
      version: 'hidden',
      input: state.input,
      logs: state.logs,
      output: state.output,
      data_removed: false,
      error: state.error,
      status: state.status,
      created_at: state.createdAt,
      ...(state.status !== 'starting' ? { started_at: state.createdAt } : {}),
      ...(['succeeded', 'failed', 'canceled', 'aborted'].includes(state.status) ? { completed_at: new Date().toISOString(), metrics: { predict_time: 1.2 } } : {}),
      urls: { cancel: `${base}/cancel`, get: base, stream: `${this.server.url}/stream/${state.id}`, web: `https://replicate.com/p/${state.id}` },
    };
  }

  private async notify(state: PredictionState, event: 'start' | 'completed'): Promise<void> {
    if (!state.webhook || !state.events.includes(event)) return;
    const body = JSON.stringify(this.view(state));
    const id = `msg_${randomUUID().replace(/-/g, '')}`;
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const res = await fetch(state.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': this.sign(id, timestamp, body) },
        body,
      });
      this.webhookDeliveries.push({ status: res.status, event });
    } catch {
      this.webhookDeliveries.push({ status: 0, event });
    }
  }
}

interface InvalidField {
  type: string;
  field: string;
  description: string;
}

function validateInput(input: Record<string, unknown>, rules: Record<string, FieldRule>): InvalidField[] {
  const issues: InvalidField[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    if (rule.type === 'string' && rule.required && (typeof input[field] !== 'string' || input[field] === '')) {
      issues.push({ type: 'required', field: 'input', description: `${field} is required` });
    }
  }
  for (const [field, value] of Object.entries(input)) {
    const rule = rules[field];
    const at = `input.${field}`;
    if (!rule) issues.push({ type: 'additional_property_not_allowed', field: 'input', description: `Additional property ${field} is not allowed` });
    else if (rule.type === 'string' && typeof value !== 'string') issues.push({ type: 'invalid_type', field: at, description: 'Invalid type. Expected: string' });
    else if (rule.type === 'boolean' && typeof value !== 'boolean') issues.push({ type: 'invalid_type', field: at, description: 'Invalid type. Expected: boolean' });
    else if (rule.type === 'number' && (typeof value !== 'number' || value < rule.min || value > rule.max)) {
      issues.push({ type: 'number_range', field: at, description: `Must be a number from ${rule.min} to ${rule.max}` });
    } else if (rule.type === 'enum' && !rule.values.includes(String(value))) {
      issues.push({ type: 'enum', field: at, description: `${field} must be one of the following: ${rule.values.map((v) => `"${v}"`).join(', ')}` });
    } else if (rule.type === 'integer') {
      if (!Number.isInteger(value)) issues.push({ type: 'invalid_type', field: at, description: 'Invalid type. Expected: integer' });
      else if ((value as number) < rule.min) issues.push({ type: 'number_gte', field: at, description: `Must be greater than or equal to ${rule.min}` });
      else if ((value as number) > rule.max) issues.push({ type: 'number_lte', field: at, description: `Must be less than or equal to ${rule.max}` });
    }
  }
  return issues;
}

/** The token of a request the guard let through (Bearer or the legacy Token scheme). */
function tokenOf(req: FakeRequest): string {
  return /^(?:Bearer|Token) (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
}

function problem(status: number, title: string, detail: string): FakeResponse {
  return { status, json: { title, detail, status }, headers: { 'content-type': 'application/problem+json' } };
}

function invalid(issues: InvalidField[]): FakeResponse {
  return {
    status: 422,
    json: { title: 'Input validation failed', detail: issues.map((i) => `- ${i.field}: ${i.description}`).join('\n'), status: 422, invalid_fields: issues },
    headers: { 'content-type': 'application/problem+json' },
  };
}
