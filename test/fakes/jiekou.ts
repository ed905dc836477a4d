import { randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from './fake-server';
import { bearerOf, downloadInput, FakeFiles } from './fake-files';
import { tinyMp4 } from './mp4';
import { ProviderFake } from './provider-fake';

const FIELDS = new Set(['prompt', 'image', 'duration', 'size', 'watermark', 'character_url', 'character_timestamps']);
/** The ~480p frames Jiekou's Sora 2 (reverse) really renders for each `size`. */
const FRAMES: Record<string, { width: number; height: number }> = { '1280x720': { width: 854, height: 480 }, '720x1280': { width: 480, height: 854 } };

type Outcome = 'TASK_STATUS_SUCCEED' | 'TASK_STATUS_FAILED';

interface Task {
  id: string;
  body: Record<string, unknown>;
  polls: number;
  outcome: Outcome;
  reason: string;
  /** The first frame as the fake downloaded it from `image`. */
  input?: { bytes: Buffer; type: string };
  video?: string;
}

const error = (status: number, reason: string, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { code: status, reason, message, metadata: {} },
  ...(headers ? { headers } : {}),
});

/**
 * A local Jiekou AI (Novita-style `/v3/async` API): Bearer keys, `POST
 * /v3/async/sora-2-video-reverse` validated as documented (duration 10/15, size 1280x720 or
 * 720x1280, `image` a URL of a JPEG/PNG that the fake downloads), `GET /v3/async/task-result`
 * moving QUEUED → PROCESSING (with progress) → SUCCEED/FAILED, `{ code, reason, message }`
 * error bodies, 429 with Retry-After and an outage switch.
 */
export class JiekouFake extends ProviderFake {
  readonly apiKeys: Set<string>;
  failing = false;
  readonly rateLimitedKeys = new Map<string, number>();
  readonly keysWithoutBalance = new Set<string>();
  pollsToFinish = 2;
  outcome: Outcome = 'TASK_STATUS_SUCCEED';
  failureReason = 'video generation failed';
  readonly tasks = new Map<string, Task>();
  readonly files = new FakeFiles(() => this.url);

  constructor(options: { apiKeys?: string[] } = {}) {
    super();
    this.apiKeys = new Set(options.apiKeys ?? ['jk-test-key']);
    this.server
      .route('POST', '/v3/async/sora-2-video-reverse', async (req) => this.guard(req) ?? (await this.submit(req)))
      .route('GET', '/v3/async/task-result', (req) => this.guard(req) ?? this.result(req))
      .route('GET', '/files/:name', this.files.handler);
  }

  private guard(req: FakeRequest): FakeResponse | undefined {
    if (this.failing) return error(500, 'INTERNAL_SERVER_ERROR', 'internal server error');
    const key = bearerOf(req);
    if (!key || !this.apiKeys.has(key)) return error(401, 'INVALID_API_KEY', 'invalid api key');
    const retryAfter = this.rateLimitedKeys.get(key);
    if (retryAfter !== undefined) return error(429, 'RATE_LIMIT_EXCEEDED', 'too many requests, please slow down', { 'retry-after': String(retryAfter) });
    if (this.keysWithoutBalance.has(key) && req.method === 'POST') return error(403, 'NOT_ENOUGH_BALANCE', 'not enough balance');
    return undefined;
  }

  private async submit(req: FakeRequest): Promise<FakeResponse> {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return error(400, 'INVALID_REQUEST_BODY', 'request body must be JSON');
    const unknown = Object.keys(body).find((k) => !FIELDS.has(k));
    if (unknown) return error(400, 'INVALID_REQUEST_BODY', `unknown field: ${unknown}`);
    if (typeof body.prompt !== 'string' || !body.prompt.trim()) return error(400, 'INVALID_REQUEST_BODY', 'prompt is required');
    if (body.duration !== 10 && body.duration !== 15) return error(400, 'INVALID_REQUEST_BODY', 'duration must be one of 10, 15');
    if (typeof body.size !== 'string' || !FRAMES[body.size]) return error(400, 'INVALID_REQUEST_BODY', 'size must be one of 1280x720, 720x1280');
    if (body.watermark !== undefined && typeof body.watermark !== 'boolean') return error(400, 'INVALID_REQUEST_BODY', 'watermark must be a boolean');
    const task: Task = { id: randomUUID(), body, polls: 0, outcome: this.outcome, reason: this.failureReason };
    if (body.image !== undefined) {
      if (typeof body.image !== 'string' || !/^https?:\/\//.test(body.image)) return error(400, 'INVALID_REQUEST_BODY', 'image only supports URL format');
      const input = await downloadInput(body.image);
      if (!input.ok) return error(400, 'INVALID_IMAGE', `failed to download image: ${input.reason}`);
      if (input.type !== 'image/png' && input.type !== 'image/jpeg') return error(400, 'INVALID_IMAGE', 'image format must be .jpg, .jpeg or .png');
      task.input = { bytes: input.bytes, type: input.type };
    }
    this.tasks.set(task.id, task);
    return { json: { task_id: task.id } };
  }

  private result(req: FakeRequest): FakeResponse {
    const task = this.tasks.get(req.query.get('task_id') ?? '');
    if (!task) return error(404, 'TASK_NOT_FOUND', 'task not found');
    task.polls++;
    const head = { task_id: task.id, task_type: 'SORA_2_VIDEO_REVERSE', reason: '', eta: 0 };
    if (task.polls < this.pollsToFinish) {
      const status = task.polls === 1 ? 'TASK_STATUS_QUEUED' : 'TASK_STATUS_PROCESSING';
      return { json: { task: { ...head, status, progress_percent: Math.round((100 * task.polls) / this.pollsToFinish) }, images: [], videos: [] } };
    }
    if (task.outcome === 'TASK_STATUS_FAILED') return { json: { task: { ...head, status: 'TASK_STATUS_FAILED', reason: task.reason, progress_percent: 0 }, images: [], videos: [] } };
    const frame = FRAMES[String(task.body.size)]!;
    task.video ??= this.files.put(tinyMp4({ ...frame, durationSeconds: Number(task.body.duration), seed: this.files.served.length }), 'video/mp4', 'mp4');
    return { json: { task: { ...head, status: 'TASK_STATUS_SUCCEED', progress_percent: 100 }, images: [], videos: [{ video_url: task.video, video_url_ttl: '3600', video_type: 'mp4' }] } };
  }
}
