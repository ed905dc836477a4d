import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createModelScopeAdapter, modelscopeModels } from '../../providers/modelscope';
import type { CallContext, ProviderAdapter } from '../../providers/types';
import { ModelScopeFake } from '../fakes/modelscope';
import { pngImage } from '../fakes/media';
import { FakeServer } from '../fakes/fake-server';
import { providerFailure } from '../support/provider-failure';
import { requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { modelscopeWireFields } from '../../providers/modelscope/wire-fields';
import sharp from 'sharp';
import { enhancedBy } from '../fakes/chat-completions';

const TOKEN = 'ms-contract-token-0001';

const request = requestFor(modelscopeModels, 'a golden cat on a red sofa');

describe('ModelScope adapter against the ModelScope fake', () => {
  const fake = new ModelScopeFake({ tokens: [TOKEN, 'ms-limited', 'ms-spent'] });
  const imageHost = new FakeServer();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: TOKEN };

  beforeAll(async () => {
    await fake.start();
    const png = await pngImage(64, 48);
    imageHost.route('GET', '/frame.png', () => ({ body: png, headers: { 'content-type': 'image/png' } }));
    await imageHost.start();
    adapter = createModelScopeAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent' });
  });
  afterAll(async () => {
    await fake.stop();
    await imageHost.stop();
  });
  beforeEach(() => {
    fake.server.requests.length = 0;
    fake.failing = false;
    fake.outcome = 'SUCCEED';
    fake.pollsToFinish = 3;
    fake.failureAtTop = false;
  });

  async function submitTask(req: GenerationRequest): Promise<string> {
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    return submitted.taskId;
  }

  it('submits in async mode with the documented body, then polls PENDING → RUNNING → SUCCEED to the image', async () => {
    const req = request('modelscope/qwen-image', { parameters: { size: '1328x1328', seed: 7, negative_prompt: 'blurry' } });
    const taskId = await submitTask(req);
    const sent = fake.server.requests.at(-1)!;
    expect([sent.method, sent.path, sent.headers.authorization, sent.headers['x-modelscope-async-mode']]).toEqual(['POST', '/v1/images/generations', `Bearer ${TOKEN}`, 'true']);
    expect(sent.json).toEqual({ model: 'Qwen/Qwen-Image', prompt: 'a golden cat on a red sofa', size: '1328x1328', seed: 7, negative_prompt: 'blurry', steps: 30, guidance: 4 });

    expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'pending' });
    expect(fake.server.requests.at(-1)!.headers['x-modelscope-task-type']).toBe('image_generation');
    expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'running' });
    const done = await adapter.poll!(taskId, req, ctx);
    if (done.status !== 'succeeded' || done.outputs[0]?.type !== 'url') throw new Error('expected an image URL');
    const bytes = Buffer.from(await (await fetch(done.outputs[0].url)).arrayBuffer());
    expect(bytes).toEqual(fake.files.served.at(-1));
  });

  it('hands an edit model its input image as image_url, which ModelScope downloads', async () => {
    const url = `${imageHost.url}/frame.png`;
    await submitTask(request('modelscope/qwen-image-edit', { kind: 'image-to-image', inputImages: [url] }));
    expect(fake.server.requests.at(-1)!.json).toMatchObject({ model: 'Qwen/Qwen-Image-Edit', image_url: url });
    expect([...fake.tasks.values()].at(-1)!.input).toEqual(await pngImage(64, 48));
    const inline = await providerFailure(adapter.submit(request('modelscope/qwen-image-edit', { inputImages: ['data:image/png;base64,AAAA'] }), ctx));
    expect(inline.code).toBe('UNSUPPORTED_CAPABILITY');
  });

  it('a failed task is PROVIDER_ERROR, a moderated one CONTENT_REJECTED, neither retryable', async () => {
    fake.pollsToFinish = 1;
    fake.outcome = 'FAILED';
    fake.failure = 'Task failed: internal error';
    const req = request('modelscope/z-image-turbo');
    const failed = await providerFailure(adapter.poll!(await submitTask(req), req, ctx));
    expect([failed.code, failed.retryable, failed.message]).toEqual(['PROVIDER_ERROR', false, 'modelscope: Task failed: internal error']);
    fake.failure = 'The input or output contains sensitive content (内容审核未通过)';
    const moderated = await providerFailure(adapter.poll!(await submitTask(req), req, ctx));
    expect(moderated.code).toBe('CONTENT_REJECTED');
  });

  it('a FAILED task with its reason at the top level (`message`) reads the same', async () => {
    fake.pollsToFinish = 1;
    fake.outcome = 'FAILED';
    fake.failureAtTop = true;
    fake.failure = 'The input or output contains sensitive content (内容审核未通过)';
    const req = request('modelscope/qwen-image');
    const err = await providerFailure(adapter.poll!(await submitTask(req), req, ctx));
    expect([err.code, err.retryable, err.message]).toEqual(['CONTENT_REJECTED', false, `modelscope: ${fake.failure}`]);
  });

  it.each(modelscopeModels.filter((m) => m.api !== 'chat').map((m) => m.id))('%s: the body carries only the fields ModelScope documents (providers/modelscope/wire-fields.ts)', async (model) => {
    const spec = modelscopeModels.find((m) => m.id === model)!;
    const images = spec.inputImages.max > 0 ? [`${imageHost.url}/frame.png`] : [];
    await submitTask(request(model, { parameters: { negative_prompt: 'text', seed: 5 }, inputImages: images, ...(images.length ? { kind: 'image-to-image' } : {}) }));
    const body = await expectDocumentedFields(modelscopeWireFields, 'images-generations', fake.server.requests.at(-1)!);
    expect(body.model).toBe(spec.wireModel);
  });

  it('refuses more than one output before calling ModelScope (one image per task)', async () => {
    expect((await providerFailure(adapter.submit(request('modelscope/qwen-image', { numberOfOutputs: 2 }), ctx))).code).toBe('INVALID_PARAMETERS');
    expect(fake.server.requests).toHaveLength(0);
  });

  describe('errors map onto the taxonomy, and the token never shows', () => {
    it('a wrong or missing token is AUTHENTICATION_FAILED', async () => {
      const wrong = await providerFailure(adapter.submit(request('modelscope/qwen-image'), { ...ctx, apiKey: 'ms-secret-wrong-token' }));
      expect([wrong.code, wrong.retryable]).toEqual(['AUTHENTICATION_FAILED', false]);
      expect(JSON.stringify({ m: wrong.message, d: wrong.details })).not.toContain('ms-secret-wrong-token');
      expect((await providerFailure(adapter.submit(request('modelscope/qwen-image'), { generationId: 'g', attempt: 1 }))).code).toBe('AUTHENTICATION_FAILED');
    });

    it('429 is RATE_LIMITED with Retry-After; a spent daily quota is QUOTA_EXCEEDED', async () => {
      fake.rateLimitedTokens.set('ms-limited', 20);
      fake.tokensOverQuota.add('ms-spent');
      const limited = await providerFailure(adapter.submit(request('modelscope/qwen-image'), { ...ctx, apiKey: 'ms-limited' }));
      expect([limited.code, limited.retryAfterMs, limited.retryable]).toEqual(['RATE_LIMITED', 20_000, true]);
      const spent = await providerFailure(adapter.submit(request('modelscope/qwen-image'), { ...ctx, apiKey: 'ms-spent' }));
      expect([spent.code, spent.retryable]).toEqual(['QUOTA_EXCEEDED', false]);
    });

    it("a 400 from ModelScope is INVALID_PARAMETERS with ModelScope's message", async () => {
      fake.server.inject({ status: 400, json: { errors: { message: 'size must be within [64x64, 1024x1024]' }, request_id: 'r' } });
      const err = await providerFailure(adapter.submit(request('modelscope/flux-1-krea-dev'), ctx));
      expect([err.code, err.message]).toEqual(['INVALID_PARAMETERS', 'modelscope: size must be within [64x64, 1024x1024]']);
    });

    it('500 is a retryable PROVIDER_UNAVAILABLE', async () => {
      fake.failing = true;
      const down = await providerFailure(adapter.poll!('any', request('modelscope/qwen-image'), ctx));
      expect([down.code, down.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    });
  });

  describe("S0's aspectRatio and the text action", () => {
    it('aspectRatio becomes size within the model: 16:9 is 1360x768 on Qwen-Image, 1024x576 on FLUX.1 Krea (largest side 1024); the image comes back in that shape', async () => {
      fake.pollsToFinish = 1;
      await submitTask(request('modelscope/qwen-image', { parameters: { aspectRatio: '16:9' } }));
      expect(fake.server.requests.at(-1)!.json).toMatchObject({ model: 'Qwen/Qwen-Image', size: '1360x768' });
      const req = request('modelscope/flux-1-krea-dev', { parameters: { aspectRatio: '16:9' } });
      const taskId = await submitTask(req);
      const sent = fake.server.requests.at(-1)!;
      expect(sent.json).toMatchObject({ size: '1024x576' });
      expect((sent.json as Record<string, unknown>).aspectRatio).toBeUndefined();
      await expectDocumentedFields(modelscopeWireFields, 'images-generations', sent);
      const done = await adapter.poll!(taskId, req, ctx);
      if (done.status !== 'succeeded' || done.outputs[0]?.type !== 'url') throw new Error('expected an image URL');
      const meta = await sharp(Buffer.from(await (await fetch(done.outputs[0].url)).arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([64, 36]);
    });

    it('text: chat completions answered at once (no async header, no task), the reply stored as text', async () => {
      const done = await adapter.submit(request('modelscope/qwen3-235b-instruct', { kind: 'text-to-text' }), ctx);
      const sent = fake.server.requests.at(-1)!;
      expect([sent.path, sent.headers.authorization, sent.headers['x-modelscope-async-mode']]).toEqual(['/v1/chat/completions', `Bearer ${TOKEN}`, undefined]);
      expect(sent.json).toMatchObject({ model: 'Qwen/Qwen3-235B-A22B-Instruct-2507', messages: [{ role: 'system' }, { role: 'user', content: 'a golden cat on a red sofa' }], max_tokens: 1000, temperature: 0.7 });
      await expectDocumentedFields(modelscopeWireFields, 'chat-completions', sent);
      if (done.status !== 'succeeded' || done.outputs[0]?.type !== 'bytes') throw new Error('expected text');
      expect(done.outputs[0].data.toString('utf8')).toBe(enhancedBy('Qwen/Qwen3-235B-A22B-Instruct-2507', 'a golden cat on a red sofa'));
    });

    it("text: the day's quota spent is QUOTA_EXCEEDED, as for images", async () => {
      fake.tokensOverQuota.add('ms-spent');
      const err = await providerFailure(adapter.submit(request('modelscope/qwen3-235b-instruct', { kind: 'text-to-text' }), { ...ctx, apiKey: 'ms-spent' }));
      expect(err.code).toBe('QUOTA_EXCEEDED');
    });
  });
});
