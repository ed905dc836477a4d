import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FakeRequest, FakeResponse, FakeServer } from './fake-server';
import { mp4Video, pngImage } from './media';
import { ProviderFake } from './provider-fake';

/**
 * Kling's task API as documented: `{ code, message, request_id, data }` envelopes (code 0 is
 * success), create on /v1/videos/text2video, /v1/videos/image2video and /v1/images/generations,
 * read back at `<endpoint>/<task_id>`, statuses submitted → processing → succeed | failed.
 * `KlingTasks` holds the routes so TuZi's fake can serve the same API under its /kling prefix.
 */
interface KlingTaskState {
  id: string;
  endpoint: string;
  /** The account that created it (Kling: the access key); another account is told it does not exist. */
  owner: string | undefined;
  body: Record<string, unknown>;
  polls: number;
  urls: string[];
}

const MODELS: Record<string, 'video' | 'image'> = {
  'kling-v2-5-turbo': 'video',
  'kling-v2-1-master': 'video',
  'kling-v1-6': 'video',
  'kling-v2': 'image',
  'kling-v1-5': 'image',
};

const envelope = (code: number, message: string, data: unknown = null, status = 200): FakeResponse => ({
  status,
  json: { code, message, request_id: randomUUID(), data },
});

export class KlingTasks {
  readonly tasks = new Map<string, KlingTaskState>();
  readonly files = new Map<string, { data: Buffer; contentType: string }>();
  pollsUntilDone = 2;
  /** The switch: tasks end failed with this task_status_msg. */
  failTasksWith: string | undefined;

  constructor(private readonly baseUrl: () => string) {}

  /**
   * Registers the routes under `prefix`; `auth` answers an error envelope for a refused caller,
   * `account` names the caller's account when tasks are kept per account.
   */
  register(server: FakeServer, prefix: string, auth: (req: FakeRequest) => FakeResponse | undefined, account: (req: FakeRequest) => string | undefined = () => undefined): void {
    for (const endpoint of ['/v1/videos/text2video', '/v1/videos/image2video', '/v1/images/generations']) {
      server.route('POST', `${prefix}${endpoint}`, (req) => auth(req) ?? this.create(endpoint, req, account(req)));
      server.route('GET', `${prefix}${endpoint}/:id`, (req) => auth(req) ?? this.query(endpoint, req, account(req)));
    }
    server.route('GET', `${prefix}/files/:name`, (req) => {
      const file = this.files.get(req.params.name ?? '');
      return file ? { body: file.data, headers: { 'content-type': file.contentType } } : { status: 404, body: 'not found' };
    });
  }

  private validate(endpoint: string, body: Record<string, unknown>): string | undefined {
    const family = MODELS[body.model_name as string];
    const wanted = endpoint.startsWith('/v1/images') ? 'image' : 'video';
    if (family !== wanted) return `model_name ${String(body.model_name)} is not supported here`;
    if (typeof body.prompt !== 'string' || body.prompt.length > 2500) return 'prompt is required (at most 2500 characters)';
    if (body.callback_url !== undefined && !/^https?:\/\//.test(body.callback_url as string)) return 'callback_url is invalid';
    if (wanted === 'video') {
      // Kling's reference: cfg_scale is "not supported by Kling v2.x models".
      if (body.cfg_scale !== undefined && /^kling-v2/.test(body.model_name as string)) return `cfg_scale is not supported by ${String(body.model_name)}`;
      if (!['5', '10'].includes((body.duration as string) ?? '5')) return 'duration must be "5" or "10"';
      if (body.mode !== undefined && !['std', 'pro'].includes(body.mode as string)) return 'mode must be std or pro';
      if (body.model_name === 'kling-v2-1-master' && body.mode === 'std') return 'kling-v2-1-master supports pro mode only';
      if (endpoint.endsWith('image2video')) {
        if (typeof body.image !== 'string' || !body.image) return 'image is required';
        if (body.aspect_ratio !== undefined) return 'aspect_ratio is not supported for image2video';
        if (/^data:/.test(body.image)) return 'image must be a URL or Base64 without a data: prefix';
      } else if (!['16:9', '9:16', '1:1'].includes((body.aspect_ratio as string) ?? '16:9')) {
        return 'aspect_ratio is invalid';
      }
    } else {
      const n = (body.n as number | undefined) ?? 1;
      if (typeof n !== 'number' || n < 1 || n > 9) return 'n must be 1 to 9';
    }
    return undefined;
  }

  private async create(endpoint: string, req: FakeRequest, owner: string | undefined): Promise<FakeResponse> {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return envelope(1200, 'Invalid request parameters', null, 400);
    const problem = this.validate(endpoint, body);
    if (problem) return envelope(1201, problem, null, 400);
    if (/forbidden/i.test(body.prompt as string)) return envelope(1301, 'Failure to pass the risk control system', null, 400);
    const id = randomUUID().replace(/-/g, '').slice(0, 24);
    const video = !endpoint.startsWith('/v1/images');
    const count = video ? 1 : ((body.n as number | undefined) ?? 1);
    const urls: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${id}_${i}.${video ? 'mp4' : 'png'}`;
      const pro = body.mode !== 'std';
      const data = video ? mp4Video(Number(body.duration ?? '5'), pro ? 1920 : 1280, pro ? 1080 : 720) : await pngImage(64 + 8 * i, 64);
      this.files.set(name, { data, contentType: video ? 'video/mp4' : 'image/png' });
      urls.push(`${this.baseUrl()}/files/${name}`);
    }
    this.tasks.set(id, { id, endpoint, owner, body, polls: 0, urls });
    const now = Date.now();
    return envelope(0, 'SUCCEED', { task_id: id, task_status: 'submitted', created_at: now, updated_at: now });
  }

  private query(endpoint: string, req: FakeRequest, account: string | undefined): FakeResponse {
    const task = this.tasks.get(req.params.id ?? '');
    if (!task || task.endpoint !== endpoint || task.owner !== account) return envelope(1203, 'The requested resource does not exist', null, 404);
    task.polls += 1;
    const done = task.polls > this.pollsUntilDone;
    const status = !done ? (task.polls === 1 ? 'submitted' : 'processing') : this.failTasksWith ? 'failed' : 'succeed';
    const video = !endpoint.startsWith('/v1/images');
    const result =
      status === 'succeed'
        ? video
          ? { videos: task.urls.map((url) => ({ id: `${task.id}_v`, url, duration: typeof task.body.duration === 'string' ? task.body.duration : '5' })) }
          : { images: task.urls.map((url, index) => ({ index, url })) }
        : undefined;
    return envelope(0, 'SUCCEED', {
      task_id: task.id,
      task_status: status,
      task_status_msg: status === 'failed' ? this.failTasksWith : '',
      created_at: Date.now(),
      updated_at: Date.now(),
      ...(result ? { task_result: result } : {}),
    });
  }
}

/** Verifies a Kling API token: HS256 with the access key's secret, `iss`, `nbf` and `exp` checked. */
function checkJwt(token: string, secrets: Map<string, string>): FakeResponse | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return envelope(1002, 'Authorization is invalid', null, 401);
  let claims: { iss?: string; exp?: number; nbf?: number };
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
    if (head.alg !== 'HS256') return envelope(1002, 'Authorization is invalid', null, 401);
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as typeof claims;
  } catch {
    return envelope(1002, 'Authorization is invalid', null, 401);
  }
  const secret = secrets.get(claims.iss ?? '');
  if (!secret) return envelope(1002, 'Authorization is invalid', null, 401);
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return envelope(1002, 'Authorization is invalid', null, 401);
  const now = Date.now() / 1000;
  if (typeof claims.nbf === 'number' && claims.nbf > now) return envelope(1003, 'Authorization is not yet valid', null, 401);
  if (typeof claims.exp !== 'number' || claims.exp < now) return envelope(1004, 'Authorization has expired', null, 401);
  return undefined;
}

/** The access key a (verified) Kling token was made with: its account. */
function issuer(req: FakeRequest): string | undefined {
  const payload = (req.headers.authorization ?? '').split('.')[1];
  try {
    return payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string }).iss : undefined;
  } catch {
    return undefined;
  }
}

/** Kling's API; each access key is an account of its own, whose tasks only it can read. */
export class KlingFake extends ProviderFake {
  readonly tasks = new KlingTasks(() => this.url);
  /** access key → secret key. */
  keys = new Map<string, string>([['kling-ak', 'kling-sk']]);
  /** The switch for account trouble: every call answers this code (e.g. 1102 resource pack used up). */
  accountCode: number | undefined;

  protected override routes(): void {
    this.tasks.register(this.server, '', (req) => {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ')) return envelope(1001, 'Authorization is empty', null, 401);
      const refused = checkJwt(auth.slice(7), this.keys);
      if (refused) return refused;
      if (this.accountCode !== undefined) return envelope(this.accountCode, 'Account balance is insufficient or resource pack exhausted', null, 429);
      return undefined;
    }, issuer);
  }

  /** The next `times` calls get 429 with code 1302, as Kling answers when called too often. */
  rateLimit(times = 1, retryAfterSeconds = 1): void {
    this.server.inject({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, json: { code: 1302, message: 'The API request is too fast, please slow down', request_id: 'r' } }, times);
  }
}
