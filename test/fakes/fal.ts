import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { FakeRequest, FakeResponse } from './fake-server';
import sharp from 'sharp';
import { jpegImage, mp4Video, pngImage } from './media';
import { ProviderFake } from './provider-fake';

/**
 * A local fal.ai queue (queue.fal.run) speaking its documented wire format: `Authorization: Key`,
 * submit to the full model id answering request_id and the status/response/cancel URLs under the
 * app id, status IN_QUEUE (queue_position) → IN_PROGRESS (logs) → COMPLETED, FastAPI error
 * bodies (`{ detail }`), cancel with PUT, a JWKS of its own Ed25519 key and signed webhook
 * deliveries (request id, user id, timestamp, SHA-256 of the body, joined by newlines).
 */
interface Endpoint {
  app: string;
  /** `upscale`: one `image`, the input at `upscale_factor` times its size. */
  kind: 'video' | 'image' | 'upscale';
  validate: (input: Record<string, unknown>) => string | undefined;
}

const PIKA_RATIOS = ['16:9', '9:16', '1:1', '4:5', '5:4', '3:2', '2:3'];
const IMAGE_SIZES = ['square_hd', 'square', 'portrait_4_3', 'portrait_16_9', 'landscape_4_3', 'landscape_16_9'];
const MEGAPIXELS: Record<string, number> = { square_hd: 1.05, square: 0.26, portrait_4_3: 0.79, portrait_16_9: 0.59, landscape_4_3: 0.79, landscape_16_9: 0.59 };

function pika(input: Record<string, unknown>, image: boolean): string | undefined {
  if (typeof input.prompt !== 'string' || !input.prompt) return 'prompt: field required';
  if (input.duration !== undefined && ![5, 10].includes(input.duration as number)) return 'duration: unexpected value; permitted: 5, 10';
  if (input.resolution !== undefined && !['720p', '1080p'].includes(input.resolution as string)) return "resolution: unexpected value; permitted: '720p', '1080p'";
  if (image) {
    if (typeof input.image_url !== 'string' || !/^(https?:|data:)/.test(input.image_url)) return 'image_url: field required';
    if (input.aspect_ratio !== undefined) return 'aspect_ratio: extra fields not permitted';
  } else if (input.aspect_ratio !== undefined && !PIKA_RATIOS.includes(input.aspect_ratio as string)) {
    return 'aspect_ratio: unexpected value';
  }
  return undefined;
}

function flux(input: Record<string, unknown>): string | undefined {
  if (typeof input.prompt !== 'string' || !input.prompt) return 'prompt: field required';
  if (input.image_size !== undefined && !IMAGE_SIZES.includes(input.image_size as string)) return 'image_size: unexpected value';
  const n = input.num_images ?? 1;
  if (typeof n !== 'number' || n < 1 || n > 4) return 'num_images: ensure this value is between 1 and 4';
  return undefined;
}

const CLARITY_FIELDS = ['image_url', 'prompt', 'upscale_factor', 'negative_prompt', 'creativity', 'resemblance', 'num_inference_steps', 'enable_safety_checker'];

/** fal-ai/clarity-upscaler's input schema: `image_url` required, `upscale_factor` 1-4, `creativity` 0-1; nothing else. */
function clarity(input: Record<string, unknown>): string | undefined {
  const extra = Object.keys(input).find((k) => !CLARITY_FIELDS.includes(k));
  if (extra) return `${extra}: extra fields not permitted`;
  if (typeof input.image_url !== 'string' || !/^(https?:|data:)/.test(input.image_url)) return 'image_url: field required';
  const factor = input.upscale_factor ?? 2;
  if (typeof factor !== 'number' || factor < 1 || factor > 4) return 'upscale_factor: ensure this value is between 1 and 4';
  const creativity = input.creativity ?? 0.35;
  if (typeof creativity !== 'number' || creativity < 0 || creativity > 1) return 'creativity: ensure this value is between 0 and 1';
  return undefined;
}

const ENDPOINTS: Record<string, Endpoint> = {
  'fal-ai/clarity-upscaler': { app: 'fal-ai/clarity-upscaler', kind: 'upscale', validate: clarity },
  'fal-ai/pika/v2.2/text-to-video': { app: 'fal-ai/pika', kind: 'video', validate: (i) => pika(i, false) },
  'fal-ai/pika/v2.2/image-to-video': { app: 'fal-ai/pika', kind: 'video', validate: (i) => pika(i, true) },
  'fal-ai/flux/dev': { app: 'fal-ai/flux', kind: 'image', validate: flux },
  'fal-ai/flux/schnell': { app: 'fal-ai/flux', kind: 'image', validate: flux },
};

export interface FalQueued {
  id: string;
  endpoint: string;
  app: string;
  input: Record<string, unknown>;
  polls: number;
  canceled: boolean;
  webhook?: string;
  files: Array<{ url: string; content_type: string; width?: number; height?: number }>;
}

export class FalFake extends ProviderFake {
  readonly queued = new Map<string, FalQueued>();
  readonly files = new Map<string, { data: Buffer; contentType: string }>();
  apiKeys = new Set<string>(['fal-test-key']);
  /** Status polls answered IN_QUEUE / IN_PROGRESS before COMPLETED. */
  pollsUntilDone = 2;
  /** The switch: requests complete failed, with fal's content-policy 422 or an app error. */
  failWith: 'content_policy' | 'app_error' | 'app_error_result_only' | undefined;
  /** The switch for billing: every call answers 403 "User is locked" as fal does for an empty balance. */
  lockedUser = false;
  readonly userId = 'fal-user-1';
  private readonly keyPair = generateKeyPairSync('ed25519');
  /** Webhook deliveries made, for tests that hand them to parseWebhook. */
  readonly deliveries: Array<{ headers: Record<string, string>; body: Buffer }> = [];

  protected override routes(): void {
    for (const endpoint of Object.keys(ENDPOINTS)) {
      this.server.route('POST', `/${endpoint}`, (req) => this.guard(req, () => this.submit(endpoint, req)));
    }
    this.server.route('GET', '/:owner/:app/requests/:id/status', (req) => this.guard(req, () => this.status(req)));
    this.server.route('GET', '/:owner/:app/requests/:id', (req) => this.guard(req, () => this.result(req)));
    this.server.route('PUT', '/:owner/:app/requests/:id/cancel', (req) => this.guard(req, () => this.cancel(req)));
    this.server.route('GET', '/.well-known/jwks.json', () => ({
      json: { keys: [{ ...this.keyPair.publicKey.export({ format: 'jwk' }), kid: 'fake-1', use: 'sig', alg: 'EdDSA' }] },
    }));
    this.server.route('GET', '/files/:name', (req) => {
      const file = this.files.get(req.params.name ?? '');
      return file ? { body: file.data, headers: { 'content-type': file.contentType } } : { status: 404, body: 'not found' };
    });
  }

  get jwksUrl(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  /** The next `times` calls get 429 with Retry-After, as fal answers over the concurrency limit. */
  rateLimit(times = 1, retryAfterSeconds = 1): void {
    this.server.inject({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, json: { detail: 'Too many concurrent requests' } }, times);
  }

  /** Signs a webhook delivery body as fal does, with this fake's key (or another key to forge one). */
  signDelivery(requestId: string, body: Buffer, timestamp = Math.floor(Date.now() / 1000), key = this.keyPair.privateKey): Record<string, string> {
    // Built here from fal's documentation rather than with the adapter's helper, so the two are checked against each other.
    const message = `${requestId}\n${this.userId}\n${timestamp}\n${createHash('sha256').update(body).digest('hex')}`;
    const signature = sign(null, Buffer.from(message, 'utf8'), key).toString('hex');
    return {
      'x-fal-webhook-request-id': requestId,
      'x-fal-webhook-user-id': this.userId,
      'x-fal-webhook-timestamp': String(timestamp),
      'x-fal-webhook-signature': signature,
    };
  }

  /** Completes a request now and POSTs the signed webhook to the URL given at submit, if any. */
  async complete(id: string): Promise<void> {
    const q = this.queued.get(id)!;
    q.polls = Math.max(q.polls, this.pollsUntilDone + 1);
    const body = Buffer.from(JSON.stringify(this.webhookBody(q)));
    const headers = this.signDelivery(id, body);
    this.deliveries.push({ headers, body });
    if (q.webhook) await fetch(q.webhook, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
  }

  private webhookBody(q: FalQueued): Record<string, unknown> {
    if (this.failWith === 'content_policy') {
      return { request_id: q.id, gateway_request_id: q.id, status: 'ERROR', error: 'Invalid status code: 422', payload: this.contentPolicyBody() };
    }
    if (this.failWith === 'app_error') return { request_id: q.id, gateway_request_id: q.id, status: 'ERROR', error: 'Invalid status code: 500', payload: { detail: 'Internal error while generating' } };
    return { request_id: q.id, gateway_request_id: q.id, status: 'OK', payload: this.output(q) };
  }

  private contentPolicyBody() {
    return { detail: [{ loc: ['body', 'prompt'], msg: 'The content could not be processed because it contained material flagged by a content checker.', type: 'content_policy_violation' }] };
  }

  private guard(req: FakeRequest, handle: () => FakeResponse | Promise<FakeResponse>): FakeResponse | Promise<FakeResponse> {
    const auth = req.headers.authorization ?? '';
    const key = auth.startsWith('Key ') ? auth.slice(4) : '';
    if (!this.apiKeys.has(key)) return { status: 401, json: { detail: 'Authentication is required to access this application.' } };
    if (this.lockedUser) return { status: 403, json: { detail: 'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.' } };
    return handle();
  }

  private async submit(endpoint: string, req: FakeRequest): Promise<FakeResponse> {
    const spec = ENDPOINTS[endpoint]!;
    const input = req.json as Record<string, unknown> | undefined;
    if (!input || typeof input !== 'object') return { status: 422, json: { detail: [{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }] } };
    const problem = spec.validate(input);
    if (problem) {
      const [field, msg] = problem.split(': ');
      return { status: 422, json: { detail: [{ loc: ['body', field], msg, type: 'value_error' }] } };
    }
    const id = randomUUID();
    const webhook = req.query.get('fal_webhook') ?? undefined;
    this.queued.set(id, { id, endpoint, app: spec.app, input, polls: 0, canceled: false, files: await this.makeFiles(spec, id, input), ...(webhook ? { webhook } : {}) });
    const base = `${this.url}/${spec.app}/requests/${id}`;
    return { json: { request_id: id, gateway_request_id: id, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel`, queue_position: 0 } };
  }

  private async makeFiles(spec: Endpoint, id: string, input: Record<string, unknown>): Promise<FalQueued['files']> {
    if (spec.kind === 'upscale') {
      // fal fetches the image itself (a URL or a data URI); the result is it at the factor's size.
      const source = Buffer.from(await (await fetch(String(input.image_url))).arrayBuffer());
      const { width, height } = await sharp(source).metadata();
      const factor = (input.upscale_factor as number | undefined) ?? 2;
      const [w, h] = [Math.round(width * factor), Math.round(height * factor)];
      const name = `${id}_0.png`;
      this.files.set(name, { data: await pngImage(w, h), contentType: 'image/png' });
      return [{ url: `${this.url}/files/${name}`, content_type: 'image/png', width: w, height: h }];
    }
    const count = spec.kind === 'video' ? 1 : ((input.num_images as number | undefined) ?? 1);
    const files: FalQueued['files'] = [];
    for (let i = 0; i < count; i++) {
      const name = `${id}_${i}.${spec.kind === 'video' ? 'mp4' : 'jpg'}`;
      const seconds = (input.duration as number | undefined) ?? 5;
      const data = spec.kind === 'video' ? mp4Video(seconds, input.resolution === '1080p' ? 1920 : 1280, input.resolution === '1080p' ? 1080 : 720) : await jpegImage(64 + 8 * i, 48);
      const contentType = spec.kind === 'video' ? 'video/mp4' : 'image/jpeg';
      this.files.set(name, { data, contentType });
      files.push({ url: `${this.url}/files/${name}`, content_type: contentType, ...(spec.kind === 'image' ? { width: 64 + 8 * i, height: 48 } : {}) });
    }
    return files;
  }

  private find(req: FakeRequest): FalQueued | undefined {
    const q = this.queued.get(req.params.id ?? '');
    // Status, result and cancel live under the app id, not the full model path.
    return q && q.app === `${req.params.owner}/${req.params.app}` ? q : undefined;
  }

  private status(req: FakeRequest): FakeResponse {
    const q = this.find(req);
    if (!q) return { status: 404, json: { detail: 'Request not found' } };
    q.polls += 1;
    const responseUrl = `${this.url}/${q.app}/requests/${q.id}`;
    if (q.canceled || q.polls > this.pollsUntilDone) {
      const logs = [{ message: 'Generating: 100%', level: 'INFO', timestamp: new Date().toISOString() }];
      const error = q.canceled
        ? { error: 'Request was cancelled', error_type: 'request_cancelled' }
        : this.failWith === 'app_error'
          ? { error: 'Internal error while generating', error_type: 'internal_error' }
          : {};
      return { json: { status: 'COMPLETED', logs, response_url: responseUrl, ...error } };
    }
    if (q.polls === 1) return { status: 202, json: { status: 'IN_QUEUE', queue_position: 2, response_url: responseUrl } };
    const percent = Math.round((100 * q.polls) / (this.pollsUntilDone + 1));
    return { status: 202, json: { status: 'IN_PROGRESS', logs: [{ message: `Generating: ${percent}%`, level: 'INFO', timestamp: new Date().toISOString() }], response_url: responseUrl } };
  }

  private output(q: FalQueued): Record<string, unknown> {
    if (ENDPOINTS[q.endpoint]!.kind === 'video') return { video: { ...q.files[0], file_name: 'output.mp4', file_size: this.files.get(q.files[0]!.url.split('/').pop()!)!.data.length } };
    if (ENDPOINTS[q.endpoint]!.kind === 'upscale') return { image: q.files[0], seed: 42 };
    return { images: q.files, seed: 42, has_nsfw_concepts: q.files.map(() => false), prompt: q.input.prompt };
  }

  private result(req: FakeRequest): FakeResponse {
    const q = this.find(req);
    if (!q) return { status: 404, json: { detail: 'Request not found' } };
    if (q.polls <= this.pollsUntilDone) return { status: 400, json: { detail: 'Request is still in progress' } };
    if (this.failWith === 'content_policy') return { status: 422, json: this.contentPolicyBody() };
    // A failed app's response: the status may say COMPLETED with no error field at all.
    if (this.failWith === 'app_error' || this.failWith === 'app_error_result_only') return { status: 500, json: { detail: 'Internal error while generating' } };
    return { json: this.output(q), headers: { 'x-fal-billable-units': String(this.billableUnits(q)) } };
  }

  /** What fal bills a result in the model's unit: FLUX per megapixel (at least 1 per image), Pika per video. */
  private billableUnits(q: FalQueued): number {
    if (ENDPOINTS[q.endpoint]!.kind === 'video') return 1;
    // The upscaler: megapixels of the output.
    if (ENDPOINTS[q.endpoint]!.kind === 'upscale') return Math.round(((q.files[0]!.width ?? 0) * (q.files[0]!.height ?? 0)) / 10_000) / 100;
    const megapixels = MEGAPIXELS[(q.input.image_size as string | undefined) ?? 'landscape_4_3'] ?? 1;
    return Math.round(Math.max(1, megapixels) * q.files.length * 100) / 100;
  }

  private cancel(req: FakeRequest): FakeResponse {
    const q = this.find(req);
    if (!q) return { status: 404, json: { detail: 'Request not found' } };
    if (q.polls > this.pollsUntilDone) return { status: 400, json: { status: 'ALREADY_COMPLETED' } };
    q.canceled = true;
    return { status: 202, json: { status: 'CANCELLATION_REQUESTED' } };
  }
}
