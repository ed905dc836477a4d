import { randomUUID } from 'node:crypto';
import { type FakeRequest, type FakeResponse } from './fake-server';
import { mp4Video, pngImage } from './media';
import { ProviderFake } from './provider-fake';

/**
 * A local Gemini API (generativelanguage.googleapis.com): `x-goog-api-key` auth, Gemini image
 * `generateContent`, Imagen `predict`, Veo `predictLongRunning` with operations that finish
 * after a number of polls, video files that need the key to download, and Google's error body
 * `{ error: { code, message, status, details } }`.
 */
export type GoogleFakeFailure = 'safety-block' | 'image-safety' | 'text-only' | 'imagen-filtered' | 'veo-filtered' | 'veo-error';

interface Operation {
  name: string;
  polls: number;
  video: string;
}

function googleError(status: number, grpc: string, message: string, details: unknown[] = []): FakeResponse {
  return { status, json: { error: { code: status, message, status: grpc, ...(details.length ? { details } : {}) } } };
}

const GEMINI_IMAGE_MODELS = new Set(['gemini-2.5-flash-image', 'gemini-3-pro-image-preview']);
const IMAGEN_MODELS: Record<string, number> = { 'imagen-4.0-generate-001': 4, 'imagen-4.0-ultra-generate-001': 1, 'imagen-4.0-fast-generate-001': 4 };
const IMAGEN_PARAMETERS = new Set(['sampleCount', 'aspectRatio', 'personGeneration', 'sampleImageSize']);
const VEO_MODELS = new Set(['veo-3.0-generate-001', 'veo-3.0-fast-generate-001', 'veo-3.1-generate-preview']);

export class GoogleFake extends ProviderFake {
  readonly operations = new Map<string, Operation>();
  readonly files = new Map<string, Buffer>();
  /** Every image this fake answered with, in order (base64 decoded). */
  readonly servedImages: Buffer[] = [];
  apiKeys = new Set<string>(['AIza-test-key']);
  pollsUntilDone = 1;
  /** `parameters.sampleImageSize` of the last Imagen request. */
  lastImagenSize: string | undefined;
  /** The switch: the next answers report this failure instead of a result. */
  failWith: GoogleFakeFailure | undefined;

  protected override routes(): void {
    // Paths with a colon verb (`models/x:generateContent`) are matched by hand below.
    this.server.route('POST', '/v1beta/models/:call', (req) => this.guard(req, () => this.modelCall(req)));
    this.server.route('GET', '/v1beta/models/:model/operations/:op', (req) => this.guard(req, () => this.operation(req)));
    this.server.route('GET', '/v1beta/files/:file', (req) => this.guard(req, () => this.download(req)));
  }

  /** Google answers quota errors with 429 RESOURCE_EXHAUSTED and a RetryInfo detail. */
  rateLimit(times = 1, retrySeconds = 3): void {
    this.server.inject(
      googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retrySeconds}s` },
      ]),
      times,
    );
  }

  private guard(req: FakeRequest, handle: () => FakeResponse | Promise<FakeResponse>): FakeResponse | Promise<FakeResponse> {
    const key = req.headers['x-goog-api-key'];
    if (typeof key !== 'string' || !this.apiKeys.has(key)) {
      return googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ]);
    }
    if (req.query.has('key')) return googleError(400, 'INVALID_ARGUMENT', 'fake: the key must not be sent in the URL');
    return handle();
  }

  private modelCall(req: FakeRequest): Promise<FakeResponse> | FakeResponse {
    const [model = '', verb = ''] = (req.params.call ?? '').split(':');
    const body = req.json as Record<string, unknown> | undefined;
    if (!body) return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    if (verb === 'generateContent' && GEMINI_IMAGE_MODELS.has(model)) return this.generateContent(model, body);
    if (verb === 'predict' && model in IMAGEN_MODELS) return this.predict(model, body);
    if (verb === 'predictLongRunning' && VEO_MODELS.has(model)) return this.predictLongRunning(model, body);
    return googleError(404, 'NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for ${verb}.`);
  }

  private async image(index: number): Promise<string> {
    const png = await pngImage(40 + index * 4, 30, '#22aa66');
    this.servedImages.push(png);
    return png.toString('base64');
  }

  private async generateContent(model: string, body: Record<string, unknown>): Promise<FakeResponse> {
    const contents = body.contents as Array<{ parts?: Array<Record<string, unknown>> }> | undefined;
    const parts = contents?.[0]?.parts ?? [];
    if (!parts.some((p) => typeof p.text === 'string' && p.text)) return googleError(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified');
    const images = parts.filter((p) => p.inlineData);
    const max = model === 'gemini-3-pro-image-preview' ? 14 : 3;
    if (images.length > max) return googleError(400, 'INVALID_ARGUMENT', `Too many images: at most ${max} are supported`);
    for (const p of images) {
      const data = p.inlineData as { mimeType?: string; data?: string };
      if (!data.mimeType?.startsWith('image/') || !data.data) return googleError(400, 'INVALID_ARGUMENT', 'Unable to process input image.');
    }
    const config = body.generationConfig as { responseModalities?: string[]; imageConfig?: { imageSize?: string } } | undefined;
    if (!config?.responseModalities?.includes('IMAGE')) return googleError(400, 'INVALID_ARGUMENT', 'responseModalities must include IMAGE for this model');
    if (config.imageConfig?.imageSize && model !== 'gemini-3-pro-image-preview') return googleError(400, 'INVALID_ARGUMENT', 'imageSize is not supported by this model');
    const usage = { promptTokenCount: 10, candidatesTokenCount: 1290, totalTokenCount: 1300 };
    switch (this.failWith) {
      case 'safety-block':
        return { json: { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: usage } };
      case 'image-safety':
        return { json: { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'IMAGE_SAFETY', index: 0 }], usageMetadata: usage } };
      case 'text-only':
        return { json: { candidates: [{ content: { role: 'model', parts: [{ text: 'I cannot draw that.' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage } };
    }
    return {
      json: {
        candidates: [
          {
            content: { role: 'model', parts: [{ text: 'Here is your image.' }, { inlineData: { mimeType: 'image/png', data: await this.image(images.length) } }] },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: usage,
        modelVersion: model,
      },
    };
  }

  private async predict(model: string, body: Record<string, unknown>): Promise<FakeResponse> {
    const instances = body.instances as Array<{ prompt?: unknown }> | undefined;
    if (instances?.length !== 1 || typeof instances[0]?.prompt !== 'string') return googleError(400, 'INVALID_ARGUMENT', 'instances[0].prompt is required');
    const p = (body.parameters ?? {}) as Record<string, unknown>;
    // The predict parameters the Gemini API documents for Imagen (ai.google.dev/gemini-api/docs/imagen);
    // anything else, `imageSize` included, is refused as the real API does.
    const unknown = Object.keys(p).filter((k) => !IMAGEN_PARAMETERS.has(k));
    if (unknown.length) return googleError(400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${unknown[0]}" at 'parameters': Cannot find field.`);
    if (p.sampleImageSize !== undefined) {
      if (model === 'imagen-4.0-fast-generate-001') return googleError(400, 'INVALID_ARGUMENT', 'sampleImageSize is not supported by this model');
      if (!['1K', '2K'].includes(p.sampleImageSize as string)) return googleError(400, 'INVALID_ARGUMENT', 'sampleImageSize must be 1K or 2K');
    }
    this.lastImagenSize = p.sampleImageSize as string | undefined;
    const count = (p.sampleCount as number | undefined) ?? 4;
    if (!Number.isInteger(count) || count < 1 || count > IMAGEN_MODELS[model]!) return googleError(400, 'INVALID_ARGUMENT', `sampleCount must be 1 to ${IMAGEN_MODELS[model]}`);
    if (p.aspectRatio !== undefined && !['1:1', '3:4', '4:3', '9:16', '16:9'].includes(p.aspectRatio as string)) return googleError(400, 'INVALID_ARGUMENT', 'aspectRatio is not supported');
    if (this.failWith === 'imagen-filtered') return { json: {} };
    const predictions = [];
    for (let i = 0; i < count; i++) predictions.push({ bytesBase64Encoded: await this.image(i), mimeType: 'image/png' });
    return { json: { predictions } };
  }

  private predictLongRunning(model: string, body: Record<string, unknown>): FakeResponse {
    const instances = body.instances as Array<{ prompt?: unknown; image?: { bytesBase64Encoded?: string; mimeType?: string } }> | undefined;
    if (instances?.length !== 1 || typeof instances[0]?.prompt !== 'string') return googleError(400, 'INVALID_ARGUMENT', 'instances[0].prompt is required');
    const image = instances[0].image;
    if (image && (!image.bytesBase64Encoded || !image.mimeType?.startsWith('image/'))) return googleError(400, 'INVALID_ARGUMENT', 'image must have bytesBase64Encoded and mimeType');
    const p = (body.parameters ?? {}) as Record<string, unknown>;
    if (p.aspectRatio !== undefined && !['16:9', '9:16'].includes(p.aspectRatio as string)) return googleError(400, 'INVALID_ARGUMENT', 'aspectRatio must be 16:9 or 9:16');
    if (p.resolution === '1080p' && p.aspectRatio === '9:16' && model.startsWith('veo-3.0')) return googleError(400, 'INVALID_ARGUMENT', '1080p is only supported for 16:9');
    if (p.durationSeconds !== undefined && !model.startsWith('veo-3.1')) return googleError(400, 'INVALID_ARGUMENT', 'durationSeconds is not supported by this model');
    const id = randomUUID().replace(/-/g, '').slice(0, 16);
    const name = `models/${model}/operations/${id}`;
    const file = `${id}`;
    this.files.set(file, mp4Video(8, 1280, 720));
    this.operations.set(name, { name, polls: 0, video: file });
    return { json: { name } };
  }

  private operation(req: FakeRequest): FakeResponse {
    const name = `models/${req.params.model}/operations/${req.params.op}`;
    const op = this.operations.get(name);
    if (!op) return googleError(404, 'NOT_FOUND', `Operation ${name} not found.`);
    op.polls += 1;
    if (op.polls <= this.pollsUntilDone) return { json: { name, metadata: {} } };
    const type = 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse';
    if (this.failWith === 'veo-error') return { json: { name, done: true, error: { code: 13, message: 'Video generation failed due to an internal error.' } } };
    if (this.failWith === 'veo-filtered') {
      return { json: { name, done: true, response: { '@type': type, generateVideoResponse: { raiMediaFilteredCount: 1, raiMediaFilteredReasons: ['The prompt contains words that violate the usage guidelines.'] } } } };
    }
    const uri = `${this.url}/v1beta/files/${op.video}:download?alt=media`;
    return { json: { name, done: true, response: { '@type': type, generateVideoResponse: { generatedSamples: [{ video: { uri } }] } } } };
  }

  private download(req: FakeRequest): FakeResponse {
    const [file = '', verb] = (req.params.file ?? '').split(':');
    const data = this.files.get(file);
    if (verb !== 'download' || req.query.get('alt') !== 'media' || !data) return googleError(404, 'NOT_FOUND', 'File not found.');
    return { body: data, headers: { 'content-type': 'video/mp4' } };
  }
}
