import { randomUUID } from 'node:crypto';
import { chatCompletions, type ChatCall } from './chat-completions';
import type { FakeRequest, FakeResponse } from './fake-server';
import { bearerOf, downloadInput, FakeFiles } from './fake-files';
import { ProviderFake } from './provider-fake';
import { sampleImage } from './sample-image';

/** Models the fake knows, with their largest side; edit models need `image_url`. */
const MODELS: Record<string, { maxSide: number; edit?: boolean }> = {
  'Qwen/Qwen-Image': { maxSide: 1664 },
  'black-forest-labs/FLUX.1-Krea-dev': { maxSide: 1024 },
  'Tongyi-MAI/Z-Image-Turbo': { maxSide: 2048 },
  'Qwen/Qwen-Image-Edit': { maxSide: 1664, edit: true },
};
/** LLMs served at /v1/chat/completions. */
const CHAT_MODELS = new Set(['Qwen/Qwen3-235B-A22B-Instruct-2507', 'Qwen/Qwen2.5-72B-Instruct']);
const FIELDS = new Set(['model', 'prompt', 'negative_prompt', 'size', 'seed', 'steps', 'guidance', 'image_url']);

interface Task {
  id: string;
  body: Record<string, unknown>;
  polls: number;
  outcome: 'SUCCEED' | 'FAILED';
  failure?: string;
  images?: string[];
  /** The input image as the fake downloaded it from the URL it was given. */
  input?: Buffer;
}

const error = (status: number, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { errors: { message }, request_id: randomUUID() },
  ...(headers ? { headers } : {}),
});

/**
 * A local ModelScope API-Inference: Bearer tokens, `POST /v1/images/generations` in async mode
 * (`X-ModelScope-Async-Mode: true`) answering a task id, `GET /v1/tasks/{id}` (with
 * `X-ModelScope-Task-Type: image_generation`) moving PENDING → RUNNING → SUCCEED or FAILED,
 * `{ errors: { message } }` bodies, OpenAI-compatible `/v1/chat/completions` answered at once, 429 with Retry-After, and an outage switch. Edit models'
 * `image_url` is downloaded, as ModelScope does.
 */
export class ModelScopeFake extends ProviderFake {
  readonly tokens: Set<string>;
  failing = false;
  readonly rateLimitedTokens = new Map<string, number>();
  readonly tokensOverQuota = new Set<string>();
  /** Polls before the outcome: the first is PENDING, the rest RUNNING. */
  pollsToFinish = 2;
  /** Where a FAILED task carries its reason: `errors.message` (as error bodies do) or a top-level `message` (as the docs' samples read it). */
  failureAtTop = false;
  outcome: Task['outcome'] = 'SUCCEED';
  failure = 'Task failed: internal error';
  readonly tasks = new Map<string, Task>();
  readonly files = new FakeFiles(() => this.url);
  /** Chat completions served, newest last. */
  readonly chats: ChatCall[] = [];

  constructor(options: { tokens?: string[] } = {}) {
    super();
    this.tokens = new Set(options.tokens ?? ['ms-test-token']);
    this.server
      .route('POST', '/v1/images/generations', async (req) => this.guard(req) ?? (await this.submit(req)))
      .route('POST', '/v1/chat/completions', (req) => this.guard(req) ?? chatCompletions({ models: CHAT_MODELS, error }, this.chats, req))
      .route('GET', '/v1/tasks/:id', async (req) => this.guard(req) ?? (await this.task(req)))
      .route('GET', '/files/:name', this.files.handler);
  }

  private guard(req: FakeRequest): FakeResponse | undefined {
    if (this.failing) return error(500, 'Internal Server Error');
    const token = bearerOf(req);
    if (!token || !this.tokens.has(token)) return error(401, 'Authentication failed: invalid or missing ModelScope access token');
    const retryAfter = this.rateLimitedTokens.get(token);
    if (retryAfter !== undefined) return error(429, 'Request rate limit exceeded, please try again later', { 'retry-after': String(retryAfter) });
    if (this.tokensOverQuota.has(token)) return error(429, "You have exceeded today's quota for API-Inference");
    return undefined;
  }

  private async submit(req: FakeRequest): Promise<FakeResponse> {
    if (req.headers['x-modelscope-async-mode'] !== 'true') return error(400, 'This model only supports asynchronous calls: set X-ModelScope-Async-Mode: true');
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return error(400, 'Invalid JSON body');
    const unknown = Object.keys(body).find((k) => !FIELDS.has(k));
    if (unknown) return error(400, `Unknown parameter: ${unknown}`);
    const model = MODELS[String(body.model)];
    if (!model) return error(400, `Invalid model id: ${String(body.model)}`);
    if (typeof body.prompt !== 'string' || !body.prompt || body.prompt.length >= 2000) return error(400, 'prompt is required and must be shorter than 2000 characters');
    if (body.size !== undefined) {
      const m = typeof body.size === 'string' ? /^(\d+)x(\d+)$/.exec(body.size) : null;
      if (!m || [m[1], m[2]].some((n) => Number(n) < 64 || Number(n) > model.maxSide)) return error(400, `size must be within [64x64, ${model.maxSide}x${model.maxSide}]`);
    }
    if (body.steps !== undefined && !(Number.isInteger(body.steps) && (body.steps as number) >= 1 && (body.steps as number) <= 100)) return error(400, 'steps must be in [1, 100]');
    if (body.guidance !== undefined && !(typeof body.guidance === 'number' && body.guidance >= 1.5 && body.guidance <= 20)) return error(400, 'guidance must be in [1.5, 20]');
    const task: Task = { id: randomUUID(), body, polls: 0, outcome: this.outcome, failure: this.failure };
    if (model.edit) {
      if (typeof body.image_url !== 'string') return error(400, 'image_url is required for image editing models');
      const input = await downloadInput(body.image_url);
      if (!input.ok || !input.type.startsWith('image/')) return error(400, `Failed to download image_url: ${input.ok ? 'not an image' : input.reason}`);
      task.input = input.bytes;
    } else if (body.image_url !== undefined) {
      return error(400, 'image_url is not supported by this model');
    }
    this.tasks.set(task.id, task);
    return { json: { task_id: task.id, request_id: randomUUID() } };
  }

  private async task(req: FakeRequest): Promise<FakeResponse> {
    if (req.headers['x-modelscope-task-type'] !== 'image_generation') return error(400, 'Missing or invalid X-ModelScope-Task-Type header');
    const task = this.tasks.get(req.params.id ?? '');
    if (!task) return error(404, 'Task not found');
    task.polls++;
    const base = { task_id: task.id, request_id: randomUUID() };
    if (task.polls < this.pollsToFinish) return { json: { ...base, task_status: task.polls === 1 ? 'PENDING' : 'RUNNING' } };
    if (task.outcome === 'FAILED') return { json: { ...base, task_status: 'FAILED', ...(this.failureAtTop ? { message: task.failure } : { errors: { message: task.failure } }) } };
    if (!task.images) {
      const [w, h] = (typeof task.body.size === 'string' ? task.body.size : '1024x1024').split('x').map((n) => Math.max(8, Math.round(Number(n) / 16)));
      task.images = [this.files.put(await sampleImage('jpeg', w!, h!, this.files.served.length), 'image/jpeg', 'jpg')];
    }
    return { json: { ...base, task_status: 'SUCCEED', output_images: task.images } };
  }
}
