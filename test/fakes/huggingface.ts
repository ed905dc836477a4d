import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { chatCompletions, type ChatCall } from './chat-completions';
import type { FakeRequest, FakeResponse } from './fake-server';
import { bearerOf, readMultipart } from './fake-files';
import { ProviderFake } from './provider-fake';
import { sampleImage } from './sample-image';

/** Text-to-image repos served by HF Inference, with the `parameters` each takes. */
const REPOS: Record<string, ReadonlySet<string>> = {
  'black-forest-labs/FLUX.1-schnell': new Set(['width', 'height', 'num_inference_steps', 'seed']),
  'stabilityai/stable-diffusion-xl-base-1.0': new Set(['width', 'height', 'negative_prompt', 'num_inference_steps', 'guidance_scale', 'seed']),
};

/** Chat models the router serves at /v1/chat/completions. */
const CHAT_MODELS = new Set(['meta-llama/Llama-3.3-70B-Instruct', 'Qwen/Qwen2.5-72B-Instruct']);

type Arg = 'string' | 'number' | 'boolean' | 'file';
/** Gradio Spaces the fake hosts: each endpoint's positional input types; outputs are [image, seed]. */
const SPACES: Record<string, Record<string, readonly Arg[]>> = {
  'black-forest-labs/FLUX.1-schnell': { infer: ['string', 'number', 'boolean', 'number', 'number', 'number'] },
  'black-forest-labs/FLUX.1-Kontext-Dev': { infer: ['file', 'string', 'number', 'boolean', 'number', 'number'] },
  // Real-ESRGAN: (img, model_name, denoise_strength, face_enhance, outscale) → the image `outscale` times larger.
  'tuan2308/Upscaler': { realesrgan: ['file', 'string', 'number', 'boolean', 'number'] },
};
const UPSCALER_WEIGHTS = new Set(['RealESRGAN_x4plus', 'RealESRNet_x4plus', 'RealESRGAN_x4plus_anime_6B', 'RealESRGAN_x2plus', 'realesr-general-x4v3']);

interface Call {
  id: string;
  space: string;
  api: string;
  data: unknown[];
  token?: string;
}

const hfError = (status: number, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { error: message, ...extra },
  ...(headers ? { headers } : {}),
});

/**
 * A local Hugging Face: the Inference Providers router (`/hf-inference/models/<repo>`, Bearer
 * `hf_` tokens, JSON `{ inputs, parameters }` in, raw image bytes out; 503 `estimated_time` while
 * a model loads, 402 for spent credits, 429 with Retry-After; OpenAI-compatible
 * `/v1/chat/completions`) and Gradio Spaces under
 * `/spaces/<owner>/<name>` (upload, `/gradio_api/call/<api>` → event_id, an SSE stream ending in
 * `complete` or `error`, files at `/gradio_api/file=`).
 */
export class HuggingFaceFake extends ProviderFake {
  readonly tokens: Set<string>;
  failing = false;
  readonly rateLimitedTokens = new Map<string, number>();
  readonly tokensWithoutCredits = new Set<string>();
  /** While set, the router answers 503 "currently loading" with this estimated_time. */
  loadingSeconds?: number;
  /** While set, every Space call ends with an `error` event carrying this message (null: no message). */
  spaceError?: string | null;
  /** While set, a Space's event stream ends after its heartbeats without a verdict (the Space restarted). */
  streamEndsEarly = false;
  readonly served: Buffer[] = [];
  readonly calls: Call[] = [];
  readonly uploads = new Map<string, Buffer>();
  private readonly files = new Map<string, Buffer>();
  /** Chat completions the router served, newest last. */
  readonly chats: ChatCall[] = [];

  constructor(options: { tokens?: string[] } = {}) {
    super();
    this.tokens = new Set(options.tokens ?? ['hf_test_token']);
    this.server
      .route('POST', '/v1/chat/completions', (req) => this.guard(req, true) ?? chatCompletions({ models: CHAT_MODELS, error: (status, message) => hfError(status, message) }, this.chats, req))
      .route('POST', '/hf-inference/models/:owner/:name', async (req) => this.guard(req, true) ?? (await this.textToImage(req)))
      .route('POST', '/spaces/:owner/:name/gradio_api/upload', async (req) => this.guard(req, false) ?? (await this.upload(req)))
      .route('POST', '/spaces/:owner/:name/gradio_api/call/:api', (req) => this.guard(req, false) ?? this.call(req))
      .route('GET', '/spaces/:owner/:name/gradio_api/call/:api/:event', async (req) => this.guard(req, false) ?? (await this.events(req)))
      .route('GET', '/spaces/:owner/:name/gradio_api/file=/tmp/gradio/:hash/:file', (req) => {
        const data = this.files.get(`${req.params.hash}/${req.params.file}`);
        return data ? { body: data, headers: { 'content-type': 'image/webp' } } : { status: 404, json: { detail: 'File not found' } };
      });
  }

  /** The router needs a token; a public Space does not, but refuses a bad one. */
  private guard(req: FakeRequest, tokenRequired: boolean): FakeResponse | undefined {
    if (this.failing) return hfError(500, 'Internal Server Error');
    const token = bearerOf(req);
    if ((tokenRequired || token !== undefined) && (!token || !this.tokens.has(token))) return hfError(401, 'Invalid credentials in Authorization header');
    if (!token) return undefined;
    const retryAfter = this.rateLimitedTokens.get(token);
    if (retryAfter !== undefined) return hfError(429, 'Rate limit reached. You reached free usage limit (reset hourly).', {}, { 'retry-after': String(retryAfter) });
    if (tokenRequired && this.tokensWithoutCredits.has(token)) {
      return hfError(402, 'You have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits.');
    }
    return undefined;
  }

  private async textToImage(req: FakeRequest): Promise<FakeResponse> {
    const repo = `${req.params.owner}/${req.params.name}`;
    const allowed = REPOS[repo];
    if (!allowed) return hfError(404, `Model ${repo} does not exist`);
    if (this.loadingSeconds !== undefined) return hfError(503, `Model ${repo} is currently loading`, { estimated_time: this.loadingSeconds });
    const body = req.json as { inputs?: unknown; parameters?: Record<string, unknown> } | undefined;
    if (!body || typeof body.inputs !== 'string' || !body.inputs) return hfError(400, 'Input should be a valid string: inputs');
    const parameters = body.parameters ?? {};
    const unknown = Object.keys(parameters).find((k) => !allowed.has(k));
    if (unknown) return hfError(400, `unexpected parameter: ${unknown}`);
    for (const side of ['width', 'height'] as const) {
      const v = parameters[side];
      if (v !== undefined && !(Number.isInteger(v) && (v as number) % 8 === 0)) return hfError(400, `${side} must be a multiple of 8`);
    }
    const width = Math.round(Number(parameters.width ?? 1024) / 16);
    const height = Math.round(Number(parameters.height ?? 1024) / 16);
    const png = req.headers.accept === 'image/png';
    const data = await sampleImage(png ? 'png' : 'jpeg', width, height, this.served.length);
    this.served.push(data);
    return { body: data, headers: { 'content-type': png ? 'image/png' : 'image/jpeg' } };
  }

  private spaceOf(req: FakeRequest): string {
    return `${req.params.owner}/${req.params.name}`;
  }

  private async upload(req: FakeRequest): Promise<FakeResponse> {
    if (!SPACES[this.spaceOf(req)]) return { status: 404, json: { detail: 'Space not found' } };
    const form = await readMultipart(req);
    const files = form?.files.filter((f) => f.field === 'files') ?? [];
    if (files.length === 0) return { status: 422, json: { detail: [{ loc: ['body', 'files'], msg: 'Field required', type: 'missing' }] } };
    return {
      json: files.map((f) => {
        const path = `/tmp/gradio/${randomUUID().replace(/-/g, '')}/${f.filename}`;
        this.uploads.set(path, f.bytes);
        return path;
      }),
    };
  }

  private call(req: FakeRequest): FakeResponse {
    const space = this.spaceOf(req);
    const signature = SPACES[space]?.[req.params.api ?? ''];
    if (!signature) return { status: 404, json: { detail: 'Not Found' } };
    const body = req.json as { data?: unknown } | undefined;
    if (!body || !Array.isArray(body.data)) return { status: 422, json: { detail: [{ loc: ['body', 'data'], msg: 'Field required', type: 'missing' }] } };
    const call: Call = { id: randomUUID().replace(/-/g, ''), space, api: req.params.api!, data: body.data as unknown[], ...(bearerOf(req) ? { token: bearerOf(req)! } : {}) };
    this.calls.push(call);
    return { json: { event_id: call.id } };
  }

  private async events(req: FakeRequest): Promise<FakeResponse> {
    const call = this.calls.find((c) => c.id === req.params.event);
    if (!call) return { status: 404, json: { detail: 'Event not found' } };
    const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    const head = sse('heartbeat', null) + sse('generating', null);
    const fail = (message: string | null) => ({ body: head + sse('error', message), headers: { 'content-type': 'text/event-stream' } });
    if (this.spaceError !== undefined) return fail(this.spaceError);
    if (this.streamEndsEarly) return { body: head, headers: { 'content-type': 'text/event-stream' } };
    // Gradio runs the function with what it got: wrong shapes fail inside it, reported as an error event.
    const signature = SPACES[call.space]![call.api]!;
    if (call.data.length !== signature.length) return fail(null);
    let input: Buffer | undefined;
    for (const [i, type] of signature.entries()) {
      const value = call.data[i];
      if (type === 'file') {
        const path = (value as { path?: unknown; meta?: { _type?: unknown } } | null)?.path;
        input = typeof path === 'string' ? this.uploads.get(path) : undefined;
        if (!input || (value as { meta?: { _type?: unknown } }).meta?._type !== 'gradio.FileData') return fail(null);
      } else if (typeof value !== type) {
        return fail(null);
      }
    }
    let [width, height] = input ? await sharp(input).metadata().then((m) => [m.width ?? 32, m.height ?? 32]) : [Number(call.data[3]) / 16, Number(call.data[4]) / 16];
    if (call.space === 'tuan2308/Upscaler') {
      const outscale = Number(call.data[4]);
      // The demo's slider runs 1–6; an unknown weight name fails inside the function.
      if (!UPSCALER_WEIGHTS.has(String(call.data[1])) || !(outscale >= 1 && outscale <= 6)) return fail(null);
      [width, height] = [width! * outscale, height! * outscale];
    }
    const data = await sampleImage('webp', Math.round(width!), Math.round(height!), this.served.length);
    this.served.push(data);
    const name = `${randomUUID().replace(/-/g, '')}/image.webp`;
    this.files.set(name, data);
    const base = `${this.url}/spaces/${call.space}`;
    const file = { path: `/tmp/gradio/${name}`, url: `${base}/gradio_api/file=/tmp/gradio/${name}`, size: null, orig_name: 'image.webp', mime_type: null, is_stream: false, meta: { _type: 'gradio.FileData' } };
    return { body: head + sse('complete', [file, 42]), headers: { 'content-type': 'text/event-stream' } };
  }
}
