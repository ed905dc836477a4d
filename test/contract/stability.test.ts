import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStabilityAdapter, stabilityModels } from '../../providers/stability';
import type { CallContext, ProviderAdapter, ProviderOutput } from '../../providers/types';
import { pngImage } from '../fakes/media';
import { StabilityFake } from '../fakes/stability';
import { providerFailure } from '../support/provider-failure';
import { requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { stabilityWireFields } from '../../providers/stability/wire-fields';

const KEY = 'sk-stability-contract-0001';

const request = requestFor(stabilityModels, 'a lighthouse at dusk');

const bytesOf = (output: ProviderOutput | undefined): Buffer => {
  if (output?.type !== 'bytes') throw new Error('expected image bytes');
  return output.data;
};

describe('Stability AI adapter against the Stability fake', () => {
  const fake = new StabilityFake({ apiKeys: [KEY, 'sk-limited', 'sk-broke'] });
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };
  let input: string;

  beforeAll(async () => {
    await fake.start();
    input = `data:image/png;base64,${(await pngImage(40, 30)).toString('base64')}`;
    adapter = createStabilityAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.requests.length = 0;
    fake.forms.length = 0;
    fake.failing = false;
    fake.filterOutputs = false;
  });

  it('Ultra: a multipart form with Bearer auth and Accept image/*, answered with the image bytes', async () => {
    const done = await adapter.submit(request('stability/stable-image-ultra', { parameters: { aspect_ratio: '16:9', seed: 42, output_format: 'webp' } }), ctx);
    const sent = fake.server.requests.at(-1)!;
    expect([sent.path, sent.headers.authorization, sent.headers.accept]).toEqual(['/v2beta/stable-image/generate/ultra', `Bearer ${KEY}`, 'image/*']);
    expect(fake.forms.at(-1)!.form.fields).toEqual({ prompt: ['a lighthouse at dusk'], aspect_ratio: ['16:9'], seed: ['42'], output_format: ['webp'] });
    if (done.status !== 'succeeded') throw new Error('expected a synchronous result');
    expect(bytesOf(done.outputs[0])).toEqual(fake.served.at(-1));
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/webp' });
  });

  it('SD3 with an input image switches to image-to-image: mode, model, strength and the file, no aspect ratio', async () => {
    await adapter.submit(request('stability/sd3.5-large-turbo', { kind: 'image-to-image', inputImages: [input], parameters: { strength: 0.3 } }), ctx);
    const { form, endpoint } = fake.forms.at(-1)!;
    expect(endpoint).toBe('generate/sd3');
    expect(form.fields).toEqual({ prompt: ['a lighthouse at dusk'], model: ['sd3.5-large-turbo'], mode: ['image-to-image'], strength: ['0.3'], output_format: ['png'] });
    expect(form.files.map((f) => [f.field, f.type])).toEqual([['image', 'image/png']]);
  });

  it('fast upscale sends only the image and format; the answer is 4x the input', async () => {
    const done = await adapter.submit(request('stability/upscale-fast', { kind: 'upscale', inputImages: [input] }), ctx);
    expect(fake.forms.at(-1)!.form.fields).toEqual({ output_format: ['png'] });
    if (done.status !== 'succeeded') throw new Error('expected a synchronous result');
    expect(await sharp(bytesOf(done.outputs[0])).metadata()).toMatchObject({ width: 160, height: 120 });
  });

  it('creative upscale is an id polled at /v2beta/results: 202 in progress, then the image', async () => {
    fake.pollsToFinish = 1;
    const req = request('stability/upscale-creative', { kind: 'upscale', inputImages: [input], parameters: { creativity: 0.2 } });
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected an id');
    expect(fake.server.requests.at(-1)!.headers.accept).toBe('application/json');
    expect(await adapter.poll!(submitted.taskId, req, ctx)).toEqual({ status: 'running' });
    expect(fake.server.requests.at(-1)!.path).toBe(`/v2beta/results/${submitted.taskId}`);
    const done = await adapter.poll!(submitted.taskId, req, ctx);
    if (done.status !== 'succeeded') throw new Error('expected the image');
    expect(bytesOf(done.outputs[0])).toEqual(fake.served.at(-1));
    const expired = await providerFailure(adapter.poll!('0123456789abcdef', req, ctx));
    expect([expired.code, expired.retryable]).toEqual(['PROVIDER_ERROR', false]);
  });

  it('refuses an upscale without an image and more than one output, before calling Stability', async () => {
    expect((await providerFailure(adapter.submit(request('stability/upscale-conservative', { kind: 'upscale' }), ctx))).code).toBe('INVALID_PARAMETERS');
    expect((await providerFailure(adapter.submit(request('stability/stable-image-core', { numberOfOutputs: 2 }), ctx))).code).toBe('INVALID_PARAMETERS');
    expect(fake.server.requests).toHaveLength(0);
  });

  describe('moderation and errors map onto the taxonomy, and the key never shows', () => {
    it('finish-reason CONTENT_FILTERED and a 403 content_moderation are CONTENT_REJECTED', async () => {
      fake.filterOutputs = true;
      const filtered = await providerFailure(adapter.submit(request('stability/stable-image-core'), ctx));
      expect([filtered.code, filtered.message]).toEqual(['CONTENT_REJECTED', expect.stringContaining('CONTENT_FILTERED')]);
      fake.filterOutputs = false;
      const refused = await providerFailure(adapter.submit(request('stability/stable-image-core', { prompt: 'something forbidden' }), ctx));
      expect([refused.code, refused.retryable]).toEqual(['CONTENT_REJECTED', false]);
    });

    it('401 is AUTHENTICATION_FAILED, 402 QUOTA_EXCEEDED, 429 RATE_LIMITED with Retry-After', async () => {
      const wrong = await providerFailure(adapter.submit(request('stability/stable-image-core'), { ...ctx, apiKey: 'sk-secret-wrong-key' }));
      expect(wrong.code).toBe('AUTHENTICATION_FAILED');
      expect(JSON.stringify({ m: wrong.message, d: wrong.details })).not.toContain('sk-secret-wrong-key');
      fake.keysWithoutCredits.add('sk-broke');
      expect((await providerFailure(adapter.submit(request('stability/stable-image-core'), { ...ctx, apiKey: 'sk-broke' }))).code).toBe('QUOTA_EXCEEDED');
      fake.rateLimitedKeys.set('sk-limited', 60);
      const limited = await providerFailure(adapter.submit(request('stability/stable-image-core'), { ...ctx, apiKey: 'sk-limited' }));
      expect([limited.code, limited.retryAfterMs]).toEqual(['RATE_LIMITED', 60_000]);
    });

    it("a 400 is INVALID_PARAMETERS with Stability's errors[]; 500 a retryable PROVIDER_UNAVAILABLE", async () => {
      const form = new FormData();
      form.append('prompt', 'x');
      form.append('aspect_ratio', '7:3');
      const res = await fetch(`${fake.url}/v2beta/stable-image/generate/core`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, accept: 'image/*' }, body: form });
      const body = (await res.json()) as { name: string; errors: string[] };
      expect([res.status, body.name, body.errors[0]]).toEqual([400, 'bad_request', expect.stringContaining('aspect_ratio')]);
      fake.server.inject({ status: 400, json: body });
      const err = await providerFailure(adapter.submit(request('stability/stable-image-core'), ctx));
      expect([err.code, err.message]).toEqual(['INVALID_PARAMETERS', `stability: ${body.errors[0]}`]);
      fake.failing = true;
      const down = await providerFailure(adapter.submit(request('stability/stable-image-core'), ctx));
      expect([down.code, down.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    });
  });

  describe('form field names as Stability documents them (providers/stability/wire-fields.ts)', () => {
    it.each([
      ['generate/ultra', 'stability/stable-image-ultra', { negative_prompt: 'fog', seed: 7, style_preset: 'cinematic', aspect_ratio: '21:9' }, false],
      ['generate/ultra', 'stability/stable-image-ultra', { strength: 0.4, output_format: 'jpeg' }, true],
      ['generate/core', 'stability/stable-image-core', { negative_prompt: 'fog', seed: 7, style_preset: 'anime' }, false],
      ['generate/sd3', 'stability/sd3.5-large', { cfg_scale: 5, negative_prompt: 'fog', aspect_ratio: '9:16' }, false],
      ['generate/sd3', 'stability/sd3.5-flash', { strength: 0.3 }, true],
      ['upscale/fast', 'stability/upscale-fast', { output_format: 'webp' }, true],
      ['upscale/conservative', 'stability/upscale-conservative', { creativity: 0.3, negative_prompt: 'noise', seed: 3 }, true],
      ['upscale/creative', 'stability/upscale-creative', { creativity: 0.2, style_preset: 'photographic' }, true],
    ] as const)('%s: %s', async (family, model, parameters, withImage) => {
      const spec = stabilityModels.find((m) => m.id === model)!;
      const kind = withImage && spec.kinds.includes('image-to-image') ? 'image-to-image' : spec.kinds[0]!;
      await adapter.submit(request(model, { kind, parameters, inputImages: withImage ? [input] : [] }), ctx);
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe(`/v2beta/stable-image/${family}`);
      const body = await expectDocumentedFields(stabilityWireFields, family, sent);
      expect(body.image === '<file>').toBe(withImage);
    });
  });

  it('a creative upscale whose result comes back CONTENT_FILTERED ends as CONTENT_REJECTED when polled, not as an image', async () => {
    fake.pollsToFinish = 0;
    const req = request('stability/upscale-creative', { kind: 'upscale', inputImages: [input] });
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected an id');
    fake.filterOutputs = true;
    const err = await providerFailure(adapter.poll!(submitted.taskId, req, ctx));
    expect([err.code, err.retryable]).toEqual(['CONTENT_REJECTED', false]);
    // The results endpoint documents a 403 for a generation flagged by content moderation.
    fake.server.inject({ status: 403, json: { id: 'e1', name: 'content_moderation', errors: ['Your request was flagged by our content moderation system'] } });
    const flagged = await providerFailure(adapter.poll!(submitted.taskId, req, ctx));
    expect([flagged.code, flagged.retryable]).toEqual(['CONTENT_REJECTED', false]);
  });
});
