import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createGoogleAdapter, googleModels } from '../../providers/google';
import type { CallContext, ProviderAdapter, ProviderOutput } from '../../providers/types';
import { GoogleFake } from '../fakes/google';
import { pngImage } from '../fakes/media';
import { caught } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { googleWireFields } from '../../providers/google/wire-fields';

const KEY = 'AIza-test-key';

function request(model: string, overrides: Partial<Omit<GenerationRequest, 'parameters'>> & { parameters?: Record<string, unknown> } = {}): GenerationRequest {
  const spec = googleModels.find((m) => m.id === model)!;
  return {
    model,
    kind: spec.kinds[0]!,
    prompt: 'a fox made of origami',
    inputImages: [],
    numberOfOutputs: 1,
    ...overrides,
    parameters: spec.parameters.parse(overrides.parameters ?? {}),
  };
}

async function bytesOf(output: ProviderOutput): Promise<Buffer> {
  if (output.type === 'bytes') return output.data;
  if (output.type === 'stream') {
    const chunks: Buffer[] = [];
    for await (const chunk of output.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  throw new Error('expected bytes or a stream');
}

describe('Google (Gemini API) adapter against the local fake', () => {
  const fake = new GoogleFake();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };
  const lastJson = () => fake.server.requests.at(-1)!.json as Record<string, unknown>;

  beforeAll(async () => {
    await fake.start();
    adapter = createGoogleAdapter({ dataDir: '/nonexistent', baseUrl: fake.url, fetch });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.failWith = undefined;
    fake.pollsUntilDone = 1;
    fake.server.requests.length = 0;
    fake.servedImages.length = 0;
  });

  describe('Gemini image (generateContent)', () => {
    it('sends the prompt and every reference image inline, and returns the image bytes', async () => {
      const ref = await pngImage(16, 16, '#ff0000');
      const dataUrl = `data:image/png;base64,${ref.toString('base64')}`;
      const req = request('google/gemini-3-pro-image', { inputImages: [dataUrl, dataUrl], parameters: { aspectRatio: '16:9', imageSize: '2K' }, kind: 'image-to-image' });
      const result = await adapter.submit(req, ctx);
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe('/v1beta/models/gemini-3-pro-image-preview:generateContent');
      expect(sent.headers['x-goog-api-key']).toBe(KEY);
      expect(sent.json).toEqual({
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'a fox made of origami' },
              { inlineData: { mimeType: 'image/png', data: ref.toString('base64') } },
              { inlineData: { mimeType: 'image/png', data: ref.toString('base64') } },
            ],
          },
        ],
        generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } },
      });
      if (result.status !== 'succeeded') throw new Error('expected a sync result');
      expect(result.outputs).toHaveLength(1);
      expect((await bytesOf(result.outputs[0]!)).equals(fake.servedImages[0]!)).toBe(true);
      expect(result.outputs[0]).toMatchObject({ type: 'bytes', contentType: 'image/png' });
    });

    it('takes up to 14 reference images on Gemini 3 Pro Image', () => {
      expect(googleModels.find((m) => m.id === 'google/gemini-3-pro-image')?.inputImages).toEqual({ mode: 'base64', max: 14 });
    });

    const rejections: Array<['safety-block' | 'image-safety', string]> = [
      ['safety-block', 'PROHIBITED_CONTENT'],
      ['image-safety', 'IMAGE_SAFETY'],
    ];
    it.each(rejections)('%s → CONTENT_REJECTED naming %s', async (failure, reason) => {
      fake.failWith = failure;
      const err = await caught(adapter.submit(request('google/gemini-2.5-flash-image'), ctx));
      expect(err.code).toBe('CONTENT_REJECTED');
      expect(err.message).toContain(reason);
    });

    it('a text-only answer → PROVIDER_ERROR carrying what the model said', async () => {
      fake.failWith = 'text-only';
      const err = await caught(adapter.submit(request('google/gemini-2.5-flash-image'), ctx));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_ERROR', false]);
      expect(err.message).toContain('I cannot draw that');
    });
  });

  describe('Imagen (predict)', () => {
    it('maps numberOfOutputs to sampleCount and returns each prediction', async () => {
      const result = await adapter.submit(request('google/imagen-4', { numberOfOutputs: 3, parameters: { aspectRatio: '16:9' } }), ctx);
      expect(fake.server.requests.at(-1)!.path).toBe('/v1beta/models/imagen-4.0-generate-001:predict');
      expect(lastJson()).toEqual({
        instances: [{ prompt: 'a fox made of origami' }],
        parameters: { sampleCount: 3, aspectRatio: '16:9', personGeneration: 'allow_adult', sampleImageSize: '1K' },
      });
      if (result.status !== 'succeeded') throw new Error('expected a sync result');
      expect(result.outputs).toHaveLength(3);
      for (const [i, output] of result.outputs.entries()) expect((await bytesOf(output)).equals(fake.servedImages[i]!)).toBe(true);
    });

    it('sends imageSize as the documented sampleImageSize, which the API accepts (2K on Ultra)', async () => {
      const result = await adapter.submit(request('google/imagen-4-ultra', { parameters: { imageSize: '2K' } }), ctx);
      expect(result.status).toBe('succeeded');
      expect(fake.lastImagenSize).toBe('2K');
      expect((lastJson().parameters as Record<string, unknown>).imageSize).toBeUndefined();
    });

    it('Imagen Fast sends no size at all', async () => {
      await adapter.submit(request('google/imagen-4-fast'), ctx);
      expect(Object.keys(lastJson().parameters as object).sort()).toEqual(['aspectRatio', 'personGeneration', 'sampleCount']);
    });

    it('every image filtered → CONTENT_REJECTED', async () => {
      fake.failWith = 'imagen-filtered';
      expect((await caught(adapter.submit(request('google/imagen-4-fast'), ctx))).code).toBe('CONTENT_REJECTED');
    });

    it('refuses more outputs than the model makes, before calling', async () => {
      expect((await caught(adapter.submit(request('google/imagen-4-ultra', { numberOfOutputs: 2 }), ctx))).code).toBe('INVALID_PARAMETERS');
      expect(fake.server.requests).toHaveLength(0);
    });
  });

  describe('Veo (predictLongRunning + operations)', () => {
    it('starts an operation with the first frame inline, polls it, and downloads the video with the key in a header', async () => {
      const frame = await pngImage(32, 18);
      const req = request('google/veo-3.1', { inputImages: [`data:image/png;base64,${frame.toString('base64')}`], parameters: { durationSeconds: 6, negativePrompt: 'blur' }, kind: 'image-to-video' });
      const submitted = await adapter.submit(req, ctx);
      expect(fake.server.requests.at(-1)!.path).toBe('/v1beta/models/veo-3.1-generate-preview:predictLongRunning');
      expect(lastJson()).toEqual({
        instances: [{ prompt: 'a fox made of origami', image: { bytesBase64Encoded: frame.toString('base64'), mimeType: 'image/png' } }],
        parameters: { aspectRatio: '16:9', resolution: '720p', negativePrompt: 'blur', durationSeconds: 6 },
      });
      if (submitted.status !== 'pending') throw new Error('expected an operation');
      expect(submitted.taskId).toMatch(/^models\/veo-3\.1-generate-preview\/operations\/\w+$/);

      expect(await adapter.poll!(submitted.taskId, req, ctx)).toEqual({ status: 'running' });
      const done = await adapter.poll!(submitted.taskId, req, ctx);
      if (done.status !== 'succeeded') throw new Error('expected the video');
      expect(done.outputs[0]).toMatchObject({ type: 'stream', contentType: 'video/mp4' });
      const id = submitted.taskId.split('/').pop()!;
      expect((await bytesOf(done.outputs[0]!)).equals(fake.files.get(id)!)).toBe(true);
      const download = fake.server.requests.at(-1)!;
      expect(download.path).toBe(`/v1beta/files/${id}:download`);
      expect(download.headers['x-goog-api-key']).toBe(KEY);
      expect(download.query.has('key')).toBe(false);
    });

    it('a filtered video → CONTENT_REJECTED; a failed operation → PROVIDER_ERROR, not retryable', async () => {
      const req = request('google/veo-3-fast');
      fake.pollsUntilDone = 0;
      fake.failWith = 'veo-filtered';
      const first = await adapter.submit(req, ctx);
      if (first.status !== 'pending') throw new Error('expected an operation');
      const filtered = await caught(adapter.poll!(first.taskId, req, ctx));
      expect(filtered.code).toBe('CONTENT_REJECTED');
      expect(filtered.message).toContain('usage guidelines');

      fake.failWith = 'veo-error';
      const second = await adapter.submit(req, ctx);
      if (second.status !== 'pending') throw new Error('expected an operation');
      const failed = await caught(adapter.poll!(second.taskId, req, ctx));
      expect([failed.code, failed.retryable]).toEqual(['PROVIDER_ERROR', false]);
    });

    it('a parameter the model does not take → INVALID_PARAMETERS from the API', async () => {
      const err = await caught(adapter.submit(request('google/veo-3', { parameters: { resolution: '1080p', aspectRatio: '9:16' } }), ctx));
      expect(err.code).toBe('INVALID_PARAMETERS');
      expect(err.message).toContain('1080p');
    });
  });

  describe('errors', () => {
    it('an invalid key (400 API_KEY_INVALID) → AUTHENTICATION_FAILED, without the key', async () => {
      const err = await caught(adapter.submit(request('google/imagen-4'), { ...ctx, apiKey: 'AIza-wrong-secret' }));
      expect(err.code).toBe('AUTHENTICATION_FAILED');
      expect(err.message).not.toContain('AIza-wrong-secret');
    });

    it('429 RESOURCE_EXHAUSTED → RATE_LIMITED after RetryInfo.retryDelay', async () => {
      fake.rateLimit(1, 7);
      const err = await caught(adapter.submit(request('google/gemini-2.5-flash-image'), ctx));
      expect([err.code, err.retryAfterMs]).toEqual(['RATE_LIMITED', 7000]);
    });

    const statuses: Array<[number, string, string, string, boolean]> = [
      [403, 'PERMISSION_DENIED', 'The caller does not have permission', 'AUTHENTICATION_FAILED', false],
      [400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', 'INVALID_PARAMETERS', false],
      [400, 'FAILED_PRECONDITION', 'Image generation is not available in your country.', 'UNSUPPORTED_CAPABILITY', false],
      [500, 'INTERNAL', 'An internal error has occurred.', 'PROVIDER_UNAVAILABLE', true],
      [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.', 'PROVIDER_UNAVAILABLE', true],
      [504, 'DEADLINE_EXCEEDED', 'Deadline exceeded', 'PROVIDER_TIMEOUT', true],
    ];
    it.each(statuses)('%i %s → %s', async (status, grpc, message, expected, retryable) => {
      fake.server.inject({ status, json: { error: { code: status, message, status: grpc } } });
      const err = await caught(adapter.submit(request('google/imagen-4'), ctx));
      expect([err.code, err.retryable]).toEqual([expected, retryable]);
      expect(err.message).toContain(message);
    });
  });
  describe('request bodies use only the field names Google documents (providers/google/wire-fields.ts)', () => {
    const image = async () => `data:image/png;base64,${(await pngImage(16, 16, '#00ff00')).toString('base64')}`;
    it.each([
      ['gemini-image', 'google/gemini-2.5-flash-image', { aspectRatio: '3:2' }, 'image-to-image'],
      ['gemini-image', 'google/gemini-3-pro-image', { aspectRatio: '16:9', imageSize: '4K' }, 'image-to-image'],
      ['imagen', 'google/imagen-4', { aspectRatio: '9:16', personGeneration: 'dont_allow', imageSize: '2K' }, 'text-to-image'],
      ['imagen', 'google/imagen-4-ultra', { imageSize: '2K' }, 'text-to-image'],
      ['imagen', 'google/imagen-4-fast', { aspectRatio: '4:3' }, 'text-to-image'],
      ['veo', 'google/veo-3', { aspectRatio: '16:9', resolution: '1080p', negativePrompt: 'blur', personGeneration: 'allow_adult' }, 'image-to-video'],
      ['veo', 'google/veo-3.1', { durationSeconds: 6, aspectRatio: '9:16', resolution: '720p' }, 'text-to-video'],
    ] as const)('%s: %s', async (family, model, parameters, kind) => {
      const inputImages = kind.startsWith('image-to') ? [await image()] : [];
      await adapter.submit(request(model, { parameters, kind, inputImages }), ctx);
      await expectDocumentedFields(googleWireFields, family, fake.server.requests.at(-1)!);
    });
  });
});
