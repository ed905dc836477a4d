import { randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from './fake-server';
import { mp4Video } from './media';
import { ProviderFake } from './provider-fake';

/**
 * A local Runway developer API: bearer auth and a required `X-Runway-Version`, create on
 * /v1/image_to_video and /v1/text_to_video validating model, ratio, duration and promptImage,
 * tasks that go PENDING → THROTTLED → RUNNING (progress) → SUCCEEDED | FAILED, DELETE to cancel,
 * `{ error, issues? }` error bodies, and the result MP4 served from here.
 */
const VERSION = '2024-11-06';
const RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];
const MODELS: Record<string, { text: boolean }> = { gen4_turbo: { text: false }, 'gen4.5': { text: true } };

export interface RunwayFakeTask {
  id: string;
  path: string;
  body: Record<string, unknown>;
  polls: number;
  cancelled: boolean;
  url: string;
}

export class RunwayFake extends ProviderFake {
  readonly tasks = new Map<string, RunwayFakeTask>();
  readonly files = new Map<string, Buffer>();
  apiKeys = new Set<string>(['runway-test-key']);
  pollsUntilDone = 3;
  /** The switch: tasks end FAILED with this failureCode and message. */
  failTasksWith: { failureCode: string; failure: string } | undefined;
  /** The switch for billing: creates answer 400 "not enough credits". */
  outOfCredits = false;

  protected override routes(): void {
    this.server.route('POST', '/v1/image_to_video', (req) => this.guard(req, () => this.create(req, true)));
    this.server.route('POST', '/v1/text_to_video', (req) => this.guard(req, () => this.create(req, false)));
    this.server.route('GET', '/v1/tasks/:id', (req) => this.guard(req, () => this.get(req)));
    this.server.route('DELETE', '/v1/tasks/:id', (req) => this.guard(req, () => this.remove(req)));
    this.server.route('GET', '/files/:name', (req) => {
      const data = this.files.get(req.params.name ?? '');
      return data ? { body: data, headers: { 'content-type': 'video/mp4' } } : { status: 404, body: 'not found' };
    });
  }

  /** The next `times` calls get 429 with Retry-After. */
  rateLimit(times = 1, retryAfterSeconds = 1): void {
    this.server.inject({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, json: { error: 'You have exceeded the rate limit for this API key.' } }, times);
  }

  private guard(req: FakeRequest, handle: () => FakeResponse): FakeResponse {
    const auth = req.headers.authorization ?? '';
    if (!this.apiKeys.has(auth.startsWith('Bearer ') ? auth.slice(7) : '')) return { status: 401, json: { error: 'Invalid API key. Make sure you are using a key for this environment.' } };
    if (req.headers['x-runway-version'] !== VERSION) return { status: 400, json: { error: `The X-Runway-Version header must be set to ${VERSION}` } };
    return handle();
  }

  private create(req: FakeRequest, image: boolean): FakeResponse {
    const body = req.json as Record<string, unknown> | undefined;
    const issues: Array<{ path: string[]; message: string }> = [];
    const model = MODELS[body?.model as string];
    if (!body || !model) issues.push({ path: ['model'], message: 'Invalid enum value' });
    else if (!image && !model.text) issues.push({ path: ['model'], message: `${String(body.model)} does not support text_to_video` });
    if (body && (typeof body.promptText !== 'string' || body.promptText.length > 1000)) issues.push({ path: ['promptText'], message: 'String must contain at most 1000 character(s)' });
    if (body && !RATIOS.includes(body.ratio as string)) issues.push({ path: ['ratio'], message: 'Invalid enum value' });
    if (body && ![5, 10].includes(body.duration as number)) issues.push({ path: ['duration'], message: 'Invalid literal value' });
    if (image && !/^(https:\/\/|http:\/\/127\.0\.0\.1|data:image\/)/.test((body?.promptImage as string) ?? '')) issues.push({ path: ['promptImage'], message: 'Invalid url or data URI' });
    if (!image && body?.promptImage !== undefined) issues.push({ path: ['promptImage'], message: 'Unrecognized key' });
    if (issues.length) return { status: 400, json: { error: 'Validation of body failed', issues } };
    if (this.outOfCredits) return { status: 400, json: { error: 'You do not have enough credits to run this task.' } };
    const id = randomUUID();
    const name = `${id}.mp4`;
    const [w, h] = (body!.ratio as string).split(':').map(Number) as [number, number];
    this.files.set(name, mp4Video(body!.duration as number, w, h));
    this.tasks.set(id, { id, path: req.path, body: body!, polls: 0, cancelled: false, url: `${this.url}/files/${name}` });
    return { json: { id } };
  }

  private get(req: FakeRequest): FakeResponse {
    const task = this.tasks.get(req.params.id ?? '');
    if (!task) return { status: 404, json: { error: 'Task not found' } };
    task.polls += 1;
    const createdAt = new Date().toISOString();
    if (task.cancelled) return { json: { id: task.id, status: 'CANCELLED', createdAt } };
    if (task.polls > this.pollsUntilDone) {
      if (this.failTasksWith) return { json: { id: task.id, status: 'FAILED', createdAt, ...this.failTasksWith } };
      return { json: { id: task.id, status: 'SUCCEEDED', createdAt, output: [task.url] } };
    }
    const status = task.polls === 1 ? 'PENDING' : task.polls === 2 ? 'THROTTLED' : 'RUNNING';
    return { json: { id: task.id, status, createdAt, ...(status === 'RUNNING' ? { progress: 0.5 } : {}) } };
  }

  private remove(req: FakeRequest): FakeResponse {
    const task = this.tasks.get(req.params.id ?? '');
    if (!task) return { status: 404, json: { error: 'Task not found' } };
    task.cancelled = true;
    return { status: 204 };
  }
}
