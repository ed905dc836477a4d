import { createHmac, randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from './fake-server';
import { mp4Video } from './media';
import { ProviderFake } from './provider-fake';

/**
 * A local Pollo generation API: `x-api-key`, POST /generation/{brand}/{model} with `{ input,
 * webhookUrl? }` validated per model, `{ code, message, data }` answers, tasks read at
 * /generation/{taskId}/status whose generation goes waiting → processing → succeed | failed, and
 * signed webhook deliveries (X-Webhook-Id / -Timestamp / -Signature) to the webhookUrl.
 */
export interface PolloFakeTask {
  taskId: string;
  endpoint: string;
  input: Record<string, unknown>;
  webhookUrl?: string;
  polls: number;
  url: string;
}

const ok = (data: unknown): FakeResponse => ({ json: { code: 'SUCCESS', message: 'success', data } });
const refuse = (status: number, code: string, message: string): FakeResponse => ({ status, json: { code, message } });

/** The input names each endpoint's docs list (providers/pollo/wire-fields.ts quotes them); others are refused. */
const INPUT_FIELDS: Record<string, readonly string[]> = {
  'google/veo3': ['image', 'prompt', 'negativePrompt', 'length', 'aspectRatio', 'resolution', 'seed', 'generateAudio'],
  'kling-ai/kling-v2-1': ['image', 'prompt', 'negativePrompt', 'length', 'strength'],
};

function validate(endpoint: string, input: Record<string, unknown> | undefined): string | undefined {
  if (!input || typeof input.prompt !== 'string' || !input.prompt) return 'input.prompt is required';
  const unknown = Object.keys(input).find((k) => INPUT_FIELDS[endpoint] && !INPUT_FIELDS[endpoint].includes(k));
  if (unknown) return `input.${unknown} is not a parameter of ${endpoint}`;
  const image = input.image;
  if (image !== undefined && (typeof image !== 'string' || !/^https?:\/\//.test(image))) return 'input.image must be a URL';
  if (endpoint === 'google/veo3') {
    if (input.length !== undefined && input.length !== 8) return 'input.length must be 8';
    if (input.aspectRatio !== undefined && !['16:9', '9:16'].includes(input.aspectRatio as string)) return 'input.aspectRatio must be 16:9 or 9:16';
    if (input.resolution !== undefined && !['720p', '1080p'].includes(input.resolution as string)) return 'input.resolution must be 720p or 1080p';
    return undefined;
  }
  if (endpoint === 'kling-ai/kling-v2-1') {
    if (image === undefined) return 'input.image is required';
    if (![5, 10].includes((input.length as number | undefined) ?? 5)) return 'input.length must be 5 or 10';
    return undefined;
  }
  return `model ${endpoint} does not exist`;
}

export class PolloFake extends ProviderFake {
  readonly tasks = new Map<string, PolloFakeTask>();
  readonly files = new Map<string, Buffer>();
  apiKeys = new Set<string>(['pollo-test-key']);
  readonly webhookSecret = 'pollo-webhook-secret';
  pollsUntilDone = 2;
  /** The switch: generations end failed with this failMsg. */
  failWith: string | undefined;
  /** The switch for billing: creates answer 402 not enough credits. */
  outOfCredits = false;

  protected override routes(): void {
    this.server.route('POST', '/generation/:brand/:model', (req) => this.guard(req, () => this.create(req)));
    this.server.route('GET', '/generation/:id/status', (req) => this.guard(req, () => this.status(req)));
    this.server.route('GET', '/files/:name', (req) => {
      const data = this.files.get(req.params.name ?? '');
      return data ? { body: data, headers: { 'content-type': 'video/mp4' } } : { status: 404, body: 'not found' };
    });
  }

  rateLimit(times = 1, retryAfterSeconds = 1): void {
    this.server.inject({ ...refuse(429, 'TOO_MANY_REQUESTS', 'Too many requests, please try again later'), headers: { 'retry-after': String(retryAfterSeconds) } }, times);
  }

  /** Finishes a task now and POSTs the signed delivery to its webhookUrl; answers what was sent. */
  async complete(taskId: string): Promise<{ headers: Record<string, string>; body: Buffer }> {
    const task = this.tasks.get(taskId)!;
    task.polls = this.pollsUntilDone + 1;
    const body = Buffer.from(JSON.stringify(this.view(task)));
    const id = `wh_${randomUUID()}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { 'x-webhook-id': id, 'x-webhook-timestamp': timestamp, 'x-webhook-signature': createHmac('sha256', this.webhookSecret).update(`${id}.${timestamp}.${body.toString('utf8')}`).digest('base64') };
    if (task.webhookUrl) await fetch(task.webhookUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    return { headers, body };
  }

  private guard(req: FakeRequest, handle: () => FakeResponse): FakeResponse {
    if (!this.apiKeys.has(String(req.headers['x-api-key'] ?? ''))) return refuse(401, 'UNAUTHORIZED', 'Invalid API key');
    return handle();
  }

  private create(req: FakeRequest): FakeResponse {
    const endpoint = `${req.params.brand}/${req.params.model}`;
    const body = req.json as { input?: Record<string, unknown>; webhookUrl?: unknown } | undefined;
    const problem = validate(endpoint, body?.input);
    if (problem) return refuse(problem.includes('does not exist') ? 404 : 400, 'BAD_REQUEST', problem);
    if (body?.webhookUrl !== undefined && (typeof body.webhookUrl !== 'string' || !/^https?:\/\//.test(body.webhookUrl))) return refuse(400, 'BAD_REQUEST', 'webhookUrl must be a URL');
    if (this.outOfCredits) return refuse(402, 'INSUFFICIENT_CREDITS', 'Not enough credits');
    const taskId = randomUUID();
    const name = `${taskId}.mp4`;
    const landscape = body!.input!.aspectRatio !== '9:16';
    const hd = body!.input!.resolution === '1080p';
    const [w, h] = hd ? [1920, 1080] : [1280, 720];
    this.files.set(name, mp4Video((body!.input!.length as number | undefined) ?? 5, landscape ? w : h, landscape ? h : w));
    this.tasks.set(taskId, { taskId, endpoint, input: body!.input!, polls: 0, url: `${this.url}/files/${name}`, ...(typeof body!.webhookUrl === 'string' ? { webhookUrl: body!.webhookUrl } : {}) });
    return ok({ taskId, status: 'waiting' });
  }

  private view(task: PolloFakeTask): Record<string, unknown> {
    const done = task.polls > this.pollsUntilDone;
    const status = !done ? (task.polls <= 1 ? 'waiting' : 'processing') : this.failWith ? 'failed' : 'succeed';
    return {
      taskId: task.taskId,
      status,
      generations: [{ id: `${task.taskId}-0`, status, failMsg: status === 'failed' ? this.failWith : null, url: status === 'succeed' ? task.url : '', mediaType: 'video', createdDate: new Date().toISOString(), updatedDate: new Date().toISOString() }],
    };
  }

  private status(req: FakeRequest): FakeResponse {
    const task = this.tasks.get(req.params.id ?? '');
    if (!task) return refuse(404, 'NOT_FOUND', 'Task not found');
    task.polls += 1;
    return ok(this.view(task));
  }
}
