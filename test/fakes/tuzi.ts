import type { FakeRequest, FakeResponse } from './fake-server';
import { KlingTasks } from './kling';
import { pngImage } from './media';
import { ProviderFake } from './provider-fake';

/**
 * A local TuZi gateway: bearer keys (refused as new-api does, `{ error: { message, type } }`),
 * the OpenAI-style /v1/images/generations, Kling's task API under /kling (the same fake Kling
 * serves), and mj-proxy's /mj/submit/imagine + /mj/task/{id}/fetch with "NN%" progress.
 */
interface MjState {
  id: string;
  body: Record<string, unknown>;
  polls: number;
  url: string;
}

const gatewayError = (status: number, message: string, type = 'new_api_error'): FakeResponse => ({ status, json: { error: { message, type, param: '', code: null } } });

export class TuziFake extends ProviderFake {
  readonly kling = new KlingTasks(() => `${this.url}/kling`);
  readonly mj = new Map<string, MjState>();
  readonly files = new Map<string, Buffer>();
  apiKeys = new Set<string>(['sk-tuzi-test']);
  /** Midjourney fetches answered IN_PROGRESS before SUCCESS. */
  mjPollsUntilDone = 2;
  /** The switch: Midjourney tasks end FAILURE with this failReason. */
  mjFailWith: string | undefined;
  /** The switch for billing: every call answers the gateway's "quota used up" 403. */
  noQuota = false;
  private nextMj = 1_700_000_000_000;

  protected override routes(): void {
    this.server.route('POST', '/v1/images/generations', (req) => this.guard(req) ?? this.images(req));
    this.kling.register(this.server, '/kling', (req) => this.guard(req));
    this.server.route('POST', '/mj/submit/imagine', (req) => this.guard(req) ?? this.imagine(req));
    this.server.route('GET', '/mj/task/:id/fetch', (req) => this.guard(req) ?? this.fetchTask(req));
    this.server.route('GET', '/files/:name', (req) => {
      const data = this.files.get(req.params.name ?? '');
      return data ? { body: data, headers: { 'content-type': 'image/png' } } : { status: 404, body: 'not found' };
    });
  }

  /** The next `times` calls get 429 with Retry-After, as the gateway answers over its rate. */
  rateLimit(times = 1, retryAfterSeconds = 1): void {
    this.server.inject({ ...gatewayError(429, '当前分组上游负载已饱和，请稍后再试', 'rate_limit_error'), headers: { 'retry-after': String(retryAfterSeconds) } }, times);
  }

  private guard(req: FakeRequest): FakeResponse | undefined {
    const auth = req.headers.authorization ?? '';
    if (!this.apiKeys.has(auth.startsWith('Bearer ') ? auth.slice(7) : '')) return gatewayError(401, '无效的令牌 (request id: 2025112712000000000)');
    if (this.noQuota) return gatewayError(403, '用户额度不足, 剩余额度: $0.000000 (insufficient_user_quota)');
    return undefined;
  }

  private async images(req: FakeRequest): Promise<FakeResponse> {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body.prompt !== 'string' || !body.prompt) return gatewayError(400, 'prompt is required', 'invalid_request_error');
    if (body.model !== 'gpt-image-1') return gatewayError(503, `当前分组 default 下对于模型 ${String(body.model)} 无可用渠道`);
    const n = (body.n as number | undefined) ?? 1;
    if (n < 1 || n > 4) return gatewayError(400, 'n must be between 1 and 4', 'invalid_request_error');
    if (!['1024x1024', '1536x1024', '1024x1536', 'auto'].includes((body.size as string) ?? 'auto')) return gatewayError(400, 'Invalid size', 'invalid_request_error');
    if (/forbidden/i.test(body.prompt)) return gatewayError(400, 'Your request was rejected as a result of our safety system (content_policy_violation)', 'invalid_request_error');
    const data = [];
    for (let i = 0; i < n; i++) data.push({ b64_json: (await pngImage(32 + 8 * i, 32)).toString('base64') });
    return { json: { created: Math.floor(Date.now() / 1000), data } };
  }

  private async imagine(req: FakeRequest): Promise<FakeResponse> {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body.prompt !== 'string' || !body.prompt) return { json: { code: 4, description: 'prompt不能为空', result: null } };
    if (!['MID_JOURNEY', 'NIJI_JOURNEY'].includes((body.botType as string) ?? 'MID_JOURNEY')) return { json: { code: 4, description: 'botType参数错误', result: null } };
    const images = (body.base64Array as unknown[] | undefined) ?? [];
    if (!images.every((b) => typeof b === 'string' && /^data:image\/[a-z]+;base64,/.test(b))) return { json: { code: 4, description: 'base64格式错误', result: null } };
    if (/forbidden/i.test(body.prompt)) return { json: { code: 24, description: '可能包含敏感词', result: null, properties: { bannedWord: 'forbidden' } } };
    const id = String(this.nextMj++);
    const name = `${id}.png`;
    this.files.set(name, await pngImage(128, 128, '#7b3ad5'));
    this.mj.set(id, { id, body, polls: 0, url: `${this.url}/files/${name}` });
    return { json: { code: 1, description: '提交成功', result: id, properties: { discordInstanceId: 'fake' } } };
  }

  private fetchTask(req: FakeRequest): FakeResponse {
    const task = this.mj.get(req.params.id ?? '');
    if (!task) return gatewayError(404, 'task_no_found', 'mj_error');
    task.polls += 1;
    const done = task.polls > this.mjPollsUntilDone;
    const status = !done ? (task.polls === 1 ? 'SUBMITTED' : 'IN_PROGRESS') : this.mjFailWith ? 'FAILURE' : 'SUCCESS';
    const progress = status === 'SUCCESS' ? '100%' : status === 'IN_PROGRESS' ? `${Math.round((100 * task.polls) / (this.mjPollsUntilDone + 1))}%` : '0%';
    return {
      json: {
        id: task.id,
        action: 'IMAGINE',
        prompt: task.body.prompt,
        promptEn: task.body.prompt,
        description: '',
        status,
        progress,
        imageUrl: status === 'SUCCESS' ? task.url : '',
        failReason: status === 'FAILURE' ? this.mjFailWith : '',
        submitTime: Date.now(),
        startTime: Date.now(),
        finishTime: done ? Date.now() : 0,
        buttons: [],
      },
    };
  }
}
