import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { chatCompletions, type ChatCall } from './chat-completions';
import type { FakeRequest, FakeResponse } from './fake-server';
import { bearerOf, FakeFiles, readMultipart } from './fake-files';
import { tinyMp4 } from './mp4';
import { ProviderFake } from './provider-fake';
import { sampleImage } from './sample-image';

type Rule = { type: 'text' } | { type: 'size' } | { type: 'number'; min: number; max: number; integer?: boolean } | { type: 'enum'; values: readonly string[] };

const seed: Rule = { type: 'number', min: 0, max: 2 ** 31 - 1, integer: true };
const steps = (min: number, max: number): Rule => ({ type: 'number', min, max, integer: true });

/** Per model: its API and the fields it documents (besides model and prompt). */
const MODELS: Record<string, { api: 'generations' | 'edits' | 'text-to-video' | 'image-to-video'; fields: Record<string, Rule> }> = {
  'z-image-turbo': { api: 'generations', fields: { size: { type: 'size' }, num_inference_steps: steps(1, 20), seed } },
  'Qwen-Image': {
    api: 'generations',
    fields: { size: { type: 'size' }, negative_prompt: { type: 'text' }, num_inference_steps: steps(4, 50), guidance_scale: { type: 'number', min: 0, max: 20 }, seed },
  },
  'Qwen-Image-Edit-2511': { api: 'edits', fields: { num_inference_steps: steps(1, 50), guidance_scale: { type: 'number', min: 0, max: 20 }, seed } },
  'Wan2.1-T2V-14B': {
    api: 'text-to-video',
    fields: {
      num_frames: steps(17, 129),
      width: { type: 'enum', values: ['832', '480', '624'] },
      height: { type: 'enum', values: ['480', '832', '624'] },
      negative_prompt: { type: 'text' },
      num_inference_steps: steps(10, 50),
      guidance_scale: { type: 'number', min: 1, max: 10 },
      seed,
    },
  },
  'Wan2.1-I2V-14B-720P': {
    api: 'image-to-video',
    fields: { num_frames: steps(17, 129), negative_prompt: { type: 'text' }, num_inference_steps: steps(10, 50), guidance_scale: { type: 'number', min: 1, max: 10 }, seed },
  },
};
/** Chat models served at /v1/chat/completions. */
const CHAT_MODELS = new Set(['Qwen3-Next-80B-A3B-Instruct', 'DeepSeek-V3.2']);
const COMMON = new Set(['model', 'prompt', 'n', 'response_format']);

const error = (status: number, type: string, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { error: { code: String(status), type, message } },
  ...(headers ? { headers } : {}),
});

interface Task {
  id: string;
  model: string;
  fields: Record<string, unknown>;
  image?: Buffer;
  polls: number;
  outcome: 'success' | 'failure';
  failMessage?: string;
  cancelled: boolean;
  file?: string;
}

/**
 * A local Gitee AI (模力方舟) serverless API: Bearer tokens; OpenAI-style
 * `/v1/images/generations` (JSON) and `/v1/images/edits` (multipart) answering b64_json or URLs;
 * OpenAI-compatible `/v1/chat/completions` (test/fakes/chat-completions.ts);
 * async Wan video at `/v1/async/videos/{text,image}-to-video` and `/v1/task/{id}` moving waiting →
 * in_progress → success/failure, with cancel; per-model field validation, OpenAI-shaped error
 * bodies, 429 with Retry-After, an outage switch.
 */
export class GiteeFake extends ProviderFake {
  readonly tokens: Set<string>;
  failing = false;
  readonly rateLimitedTokens = new Map<string, number>();
  readonly tokensWithoutBalance = new Set<string>();
  blockedWord = 'forbidden';
  pollsToFinish = 2;
  outcome: Task['outcome'] = 'success';
  /** How a failed task spells its status: the async-task docs say `failure`, the video page's sample `failed`. */
  failureStatus: 'failure' | 'failed' = 'failure';
  /** The message of a failed task (default: an inference error). */
  failMessage: string | undefined;
  readonly tasks = new Map<string, Task>();
  readonly servedImages: Buffer[] = [];
  readonly files = new FakeFiles(() => this.url);
  lastEdit?: { fields: Record<string, string[]>; images: Buffer[] };
  /** Chat completions served (`/v1/chat/completions`), newest last. */
  readonly chats: ChatCall[] = [];

  constructor(options: { tokens?: string[] } = {}) {
    super();
    this.tokens = new Set(options.tokens ?? ['gitee-test-token']);
    this.server
      .route('POST', '/v1/images/generations', async (req) => this.guard(req) ?? (await this.generations(req)))
      .route('POST', '/v1/images/edits', async (req) => this.guard(req) ?? (await this.edits(req)))
      .route('POST', '/v1/chat/completions', (req) => this.guard(req) ?? this.chat(req))
      .route('POST', '/v1/async/videos/generations', (req) => this.guard(req) ?? this.textToVideo(req))
      .route('POST', '/v1/async/videos/image-to-video', async (req) => this.guard(req) ?? (await this.imageToVideo(req)))
      .route('GET', '/v1/task/:id', (req) => this.guard(req) ?? this.task(req))
      .route('GET', '/api/v1/task/:id', (req) => this.guard(req) ?? this.task(req))
      .route('POST', '/api/v1/task/:id/cancel', (req) => this.guard(req) ?? this.cancel(req))
      .route('GET', '/files/:name', this.files.handler);
  }

  private guard(req: FakeRequest): FakeResponse | undefined {
    if (this.failing) return error(500, 'server_error', 'Internal server error');
    const token = bearerOf(req);
    if (!token || !this.tokens.has(token)) return error(401, 'authentication_error', 'Invalid or missing access token');
    const retryAfter = this.rateLimitedTokens.get(token);
    if (retryAfter !== undefined) return error(429, 'rate_limit_exceeded', 'Too many requests, please try again later', { 'retry-after': String(retryAfter) });
    if (this.tokensWithoutBalance.has(token) && req.method === 'POST') return error(403, 'insufficient_balance', 'Insufficient balance: please purchase a resource package');
    return undefined;
  }

  private check(api: string, values: Record<string, unknown>): FakeResponse | undefined {
    const spec = MODELS[String(values.model)];
    if (!spec || spec.api !== api) return error(400, 'invalid_request_error', `model ${String(values.model)} is not available on this endpoint`);
    if (typeof values.prompt !== 'string' || !values.prompt) return error(400, 'invalid_request_error', 'prompt is required');
    if (values.prompt.toLowerCase().includes(this.blockedWord)) return error(400, 'content_filter', 'The prompt contains sensitive content (内容违规)');
    for (const [field, value] of Object.entries(values)) {
      if (COMMON.has(field)) continue;
      const rule = spec.fields[field];
      if (!rule) return error(400, 'invalid_request_error', `Unknown parameter: ${field}`);
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (rule.type === 'size' && !/^\d{3,4}x\d{3,4}$/.test(text)) return error(400, 'invalid_request_error', `${field} must look like 1024x1024`);
      if (rule.type === 'enum' && !rule.values.includes(text)) return error(400, 'invalid_request_error', `${field} must be one of ${rule.values.join(', ')}`);
      if (rule.type === 'number') {
        const n = Number(value);
        if (!Number.isFinite(n) || n < rule.min || n > rule.max || (rule.integer && !Number.isInteger(n))) return error(400, 'invalid_request_error', `${field} must be between ${rule.min} and ${rule.max}`);
      }
    }
    if (values.num_frames !== undefined && (Number(values.num_frames) - 1) % 4 !== 0) return error(400, 'invalid_request_error', 'num_frames must be 4k+1');
    return undefined;
  }

  private chat(req: FakeRequest): FakeResponse {
    const prompt = JSON.stringify((req.json as { messages?: unknown } | undefined)?.messages ?? '');
    if (prompt.toLowerCase().includes(this.blockedWord)) return error(400, 'content_filter', 'The input contains sensitive content (内容违规)');
    return chatCompletions({ models: CHAT_MODELS, error: (status, message) => error(status, 'invalid_request_error', message) }, this.chats, req);
  }

  private async images(n: number, size: string, b64: boolean): Promise<FakeResponse> {
    const [w, h] = size.split('x').map((v) => Math.max(8, Math.round(Number(v) / 16)));
    const data = [];
    for (let i = 0; i < n; i++) {
      const image = await sampleImage('png', w!, h!, this.servedImages.length);
      this.servedImages.push(image);
      data.push(b64 ? { b64_json: image.toString('base64'), type: 'image/png' } : { url: this.files.put(image, 'image/png', 'png') });
    }
    return { json: { created: Math.floor(Date.now() / 1000), data } };
  }

  private async generations(req: FakeRequest): Promise<FakeResponse> {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return error(400, 'invalid_request_error', 'Invalid JSON body');
    const problem = this.check('generations', body);
    if (problem) return problem;
    const n = Number(body.n ?? 1);
    if (!Number.isInteger(n) || n < 1 || n > 4) return error(400, 'invalid_request_error', 'n must be between 1 and 4');
    return this.images(n, typeof body.size === 'string' ? body.size : '1024x1024', body.response_format === 'b64_json');
  }

  private async edits(req: FakeRequest): Promise<FakeResponse> {
    const form = await readMultipart(req);
    if (!form) return error(400, 'invalid_request_error', 'Content-Type must be multipart/form-data');
    const images = form.files.filter((f) => f.field === 'image');
    this.lastEdit = { fields: form.fields, images: images.map((f) => f.bytes) };
    const values = Object.fromEntries(Object.entries(form.fields).map(([k, v]) => [k, v[0]]));
    const problem = this.check('edits', values);
    if (problem) return problem;
    if (images.length < 1 || images.length > 3) return error(400, 'invalid_request_error', 'image: between 1 and 3 images are required');
    const meta = await sharp(images[0]!.bytes).metadata().catch(() => undefined);
    if (!meta?.width || !meta.height) return error(400, 'invalid_request_error', 'image: not a valid image file');
    return this.images(1, `${meta.width * 16}x${meta.height * 16}`, values.response_format === 'b64_json');
  }

  private startTask(model: string, fields: Record<string, unknown>, image?: Buffer): FakeResponse {
    const task: Task = { id: randomUUID().replace(/-/g, '').toUpperCase(), model, fields, polls: 0, outcome: this.outcome, cancelled: false, ...(this.failMessage ? { failMessage: this.failMessage } : {}), ...(image ? { image } : {}) };
    this.tasks.set(task.id, task);
    return { json: { task_id: task.id, status: 'waiting', created_at: Date.now(), urls: { get: `${this.url}/api/v1/task/${task.id}`, cancel: `${this.url}/api/v1/task/${task.id}/cancel` } } };
  }

  private textToVideo(req: FakeRequest): FakeResponse {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return error(400, 'invalid_request_error', 'Invalid JSON body');
    return this.check('text-to-video', body) ?? this.startTask(String(body.model), body);
  }

  private async imageToVideo(req: FakeRequest): Promise<FakeResponse> {
    const form = await readMultipart(req);
    if (!form) return error(400, 'invalid_request_error', 'Content-Type must be multipart/form-data');
    const values = Object.fromEntries(Object.entries(form.fields).map(([k, v]) => [k, v[0]]));
    const problem = this.check('image-to-video', values);
    if (problem) return problem;
    const image = form.files.find((f) => f.field === 'image');
    if (!image) return error(400, 'invalid_request_error', 'image is required');
    return this.startTask(String(values.model), values, image.bytes);
  }

  private task(req: FakeRequest): FakeResponse {
    const task = this.tasks.get(req.params.id ?? '');
    if (!task) return error(404, 'not_found', 'Task not found');
    const base = { task_id: task.id, created_at: Date.now() };
    if (task.cancelled) return { json: { ...base, status: 'cancelled', output: null } };
    task.polls++;
    if (task.polls < this.pollsToFinish) return { json: { ...base, status: task.polls === 1 ? 'waiting' : 'in_progress', output: null } };
    if (task.outcome === 'failure') return { json: { ...base, status: this.failureStatus, output: null, error: 'InferenceError', message: task.failMessage ?? 'Video generation failed, please retry' } };
    if (!task.file) {
      const frames = Number(task.fields.num_frames ?? 81);
      const [width, height] = task.image ? [1280, 720] : [Number(task.fields.width ?? 832), Number(task.fields.height ?? 480)];
      task.file = this.files.put(tinyMp4({ width, height, durationSeconds: (frames - 1) / 16, seed: this.files.served.length }), 'video/mp4', 'mp4');
    }
    return { json: { ...base, status: 'success', output: { file_url: task.file } } };
  }

  private cancel(req: FakeRequest): FakeResponse {
    const task = this.tasks.get(req.params.id ?? '');
    if (!task) return error(404, 'not_found', 'Task not found');
    task.cancelled = true;
    return { json: { task_id: task.id, status: 'cancelled' } };
  }
}
