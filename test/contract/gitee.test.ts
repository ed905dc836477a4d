import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGiteeAdapter, giteeModels } from '../../providers/gitee';
import type { CallContext, ProviderAdapter } from '../../providers/types';
import { GiteeFake } from '../fakes/gitee';
import { pngImage } from '../fakes/media';
import { providerFailure } from '../support/provider-failure';
import { requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { giteeWireFields } from '../../providers/gitee/wire-fields';
import sharp from 'sharp';
import { enhancedBy } from '../fakes/chat-completions';

const TOKEN = 'gitee-contract-token-0001';

const request = requestFor(giteeModels, '一只在雪地里的红狐狸');

describe('Gitee AI adapter against the Gitee fake', () => {
  const fake = new GiteeFake({ tokens: [TOKEN, 'gitee-limited', 'gitee-broke'] });
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: TOKEN };
  let png: Buffer;

  beforeAll(async () => {
    await fake.start();
    png = await pngImage(32, 24);
    adapter = createGiteeAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.requests.length = 0;
    fake.failing = false;
    fake.outcome = 'success';
    fake.pollsToFinish = 3;
    fake.failureStatus = 'failure';
    fake.failMessage = undefined;
  });

  it('generates images OpenAI-style with Bearer auth and gets them inline (b64_json)', async () => {
    const done = await adapter.submit(request('gitee/qwen-image', { numberOfOutputs: 2, parameters: { size: '1328x1328', seed: 5 } }), ctx);
    const sent = fake.server.requests.at(-1)!;
    expect([sent.path, sent.headers.authorization]).toEqual(['/v1/images/generations', `Bearer ${TOKEN}`]);
    expect(sent.json).toEqual({ model: 'Qwen-Image', prompt: '一只在雪地里的红狐狸', n: 2, response_format: 'b64_json', size: '1328x1328', num_inference_steps: 20, guidance_scale: 4, seed: 5 });
    if (done.status !== 'succeeded') throw new Error('expected images');
    expect(done.outputs.map((o) => (o.type === 'bytes' ? o.data : undefined))).toEqual(fake.servedImages.slice(-2));
  });

  it('edits send the images as multipart `image` files', async () => {
    const done = await adapter.submit(request('gitee/qwen-image-edit', { kind: 'image-to-image', inputImages: [`data:image/png;base64,${png.toString('base64')}`] }), ctx);
    expect(fake.lastEdit?.fields).toEqual({ model: ['Qwen-Image-Edit-2511'], prompt: ['一只在雪地里的红狐狸'], response_format: ['b64_json'], num_inference_steps: ['4'], guidance_scale: ['1'] });
    expect(fake.lastEdit?.images).toEqual([png]);
    expect(done.status).toBe('succeeded');
  });

  it('Wan text-to-video: 5 s → 81 frames, 9:16 → 480x832; the task is polled waiting → in_progress → success', async () => {
    const req = request('gitee/wan2.1-t2v', { parameters: { aspectRatio: '9:16' } });
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    expect(fake.server.requests.at(-1)!.json).toEqual({ model: 'Wan2.1-T2V-14B', prompt: '一只在雪地里的红狐狸', num_frames: 81, width: 480, height: 832, num_inference_steps: 30, guidance_scale: 5 });
    expect(await adapter.poll!(submitted.taskId, req, ctx)).toEqual({ status: 'pending' });
    expect(await adapter.poll!(submitted.taskId, req, ctx)).toEqual({ status: 'running' });
    const done = await adapter.poll!(submitted.taskId, req, ctx);
    if (done.status !== 'succeeded' || done.outputs[0]?.type !== 'url') throw new Error('expected a video URL');
    expect(Buffer.from(await (await fetch(done.outputs[0].url)).arrayBuffer())).toEqual(fake.files.served.at(-1));
  });

  it('Wan image-to-video uploads the frame as multipart; cancel reaches /api/v1/task/{id}/cancel (the documented urls.cancel) and the task reads canceled', async () => {
    const req = request('gitee/wan2.1-i2v', { kind: 'image-to-video', inputImages: [`data:image/png;base64,${png.toString('base64')}`] });
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    const task = fake.tasks.get(submitted.taskId)!;
    expect([task.model, task.image, task.fields.num_frames]).toEqual(['Wan2.1-I2V-14B-720P', png, '81']);
    await adapter.cancel!(submitted.taskId, ctx);
    expect(fake.server.requests.at(-1)!.path).toBe(`/api/v1/task/${submitted.taskId}/cancel`);
    expect(await adapter.poll!(submitted.taskId, req, ctx)).toEqual({ status: 'canceled' });
  });

  it('a failed task is a non-retryable PROVIDER_ERROR with its message', async () => {
    fake.pollsToFinish = 1;
    fake.outcome = 'failure';
    const req = request('gitee/wan2.1-t2v');
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    const err = await providerFailure(adapter.poll!(submitted.taskId, req, ctx));
    expect([err.code, err.retryable, err.message]).toEqual(['PROVIDER_ERROR', false, 'gitee: InferenceError: Video generation failed, please retry']);
  });

  describe('request bodies carry only the fields Gitee documents (providers/gitee/wire-fields.ts)', () => {
    const png64 = () => `data:image/png;base64,${png.toString('base64')}`;
    it.each([
      ['generations', '/v1/images/generations', 'gitee/z-image-turbo', {}],
      ['generations', '/v1/images/generations', 'gitee/qwen-image', { negative_prompt: 'blur', seed: 3 }],
      ['edits', '/v1/images/edits', 'gitee/qwen-image-edit', { seed: 1 }],
      ['text-to-video', '/v1/async/videos/generations', 'gitee/wan2.1-t2v', { aspectRatio: '1:1', negative_prompt: 'static' }],
      ['image-to-video', '/v1/async/videos/image-to-video', 'gitee/wan2.1-i2v', { seed: 9 }],
    ] as const)('%s: %s (%s)', async (family, path, model, parameters) => {
      const spec = giteeModels.find((m) => m.id === model)!;
      const images = spec.inputImages.max > 0 ? [png64()] : [];
      await adapter.submit(request(model, { parameters, inputImages: images, ...(images.length ? { kind: spec.kinds[0]! } : {}) }), ctx);
      const sent = fake.server.requests.filter((r) => r.method === 'POST').at(-1)!;
      expect(sent.path).toBe(path);
      const body = await expectDocumentedFields(giteeWireFields, family, sent);
      expect(body.model).toBe(spec.wireModel);
    });
  });

  describe('terminal task states, each as Gitee means it', () => {
    async function finished(): Promise<() => Promise<unknown>> {
      fake.pollsToFinish = 1;
      const req = request('gitee/wan2.1-t2v');
      const submitted = await adapter.submit(req, ctx);
      if (submitted.status !== 'pending') throw new Error('expected a task');
      return () => adapter.poll!(submitted.taskId, req, ctx);
    }

    it.each(['failure', 'failed'] as const)('status %s (the async-task page spells failure, the video page failed) is a final PROVIDER_ERROR', async (status) => {
      fake.outcome = 'failure';
      fake.failureStatus = status;
      const err = await providerFailure((await finished())());
      expect([err.code, err.retryable]).toEqual(['PROVIDER_ERROR', false]);
    });

    it('a failed task whose message speaks of sensitive content is CONTENT_REJECTED', async () => {
      fake.outcome = 'failure';
      fake.failMessage = 'The output contains sensitive content (内容违规)';
      const err = await providerFailure((await finished())());
      expect([err.code, err.retryable]).toEqual(['CONTENT_REJECTED', false]);
    });

    it('cancelled reads canceled; success without a file is a PROVIDER_ERROR, not a success', async () => {
      const poll = await finished();
      const taskId = [...fake.tasks.keys()].at(-1)!;
      fake.tasks.get(taskId)!.cancelled = true;
      expect(await poll()).toEqual({ status: 'canceled' });
      fake.server.inject({ json: { task_id: taskId, status: 'success', output: null } });
      expect((await providerFailure(poll())).code).toBe('PROVIDER_ERROR');
    });
  });

  describe('errors map onto the taxonomy, and the token never shows', () => {
    it('401 is AUTHENTICATION_FAILED; insufficient balance QUOTA_EXCEEDED; 429 RATE_LIMITED with Retry-After', async () => {
      const wrong = await providerFailure(adapter.submit(request('gitee/z-image-turbo'), { ...ctx, apiKey: 'gitee-secret-wrong' }));
      expect(wrong.code).toBe('AUTHENTICATION_FAILED');
      expect(JSON.stringify({ m: wrong.message, d: wrong.details })).not.toContain('gitee-secret-wrong');
      fake.tokensWithoutBalance.add('gitee-broke');
      expect((await providerFailure(adapter.submit(request('gitee/z-image-turbo'), { ...ctx, apiKey: 'gitee-broke' }))).code).toBe('QUOTA_EXCEEDED');
      fake.rateLimitedTokens.set('gitee-limited', 7);
      const limited = await providerFailure(adapter.submit(request('gitee/z-image-turbo'), { ...ctx, apiKey: 'gitee-limited' }));
      expect([limited.code, limited.retryAfterMs]).toEqual(['RATE_LIMITED', 7000]);
    });

    it('a refused prompt is CONTENT_REJECTED; a bad field INVALID_PARAMETERS; 500 a retryable PROVIDER_UNAVAILABLE', async () => {
      expect((await providerFailure(adapter.submit(request('gitee/z-image-turbo', { prompt: 'something forbidden' }), ctx))).code).toBe('CONTENT_REJECTED');
      fake.server.inject({ status: 400, json: { error: { code: '400', type: 'invalid_request_error', message: 'size must look like 1024x1024' } } });
      const bad = await providerFailure(adapter.submit(request('gitee/z-image-turbo'), ctx));
      expect([bad.code, bad.message]).toEqual(['INVALID_PARAMETERS', 'gitee: size must look like 1024x1024']);
      fake.failing = true;
      const down = await providerFailure(adapter.poll!('X', request('gitee/wan2.1-t2v'), ctx));
      expect([down.code, down.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    });
  });

  describe("S0's aspectRatio and the text action", () => {
    it('aspectRatio 16:9 reaches the wire as size 1360x768, and the image comes back in that shape', async () => {
      const done = await adapter.submit(request('gitee/z-image-turbo', { parameters: { aspectRatio: '16:9' } }), ctx);
      expect(fake.server.requests.at(-1)!.json).toMatchObject({ model: 'z-image-turbo', size: '1360x768' });
      expect((fake.server.requests.at(-1)!.json as Record<string, unknown>).aspectRatio).toBeUndefined();
      if (done.status !== 'succeeded' || done.outputs[0]?.type !== 'bytes') throw new Error('expected image bytes');
      const meta = await sharp(done.outputs[0].data).metadata();
      expect([meta.width, meta.height]).toEqual([85, 48]);
    });

    it('without aspectRatio or size the default 1024x1024 is sent, as before', async () => {
      await adapter.submit(request('gitee/qwen-image'), ctx);
      expect(fake.server.requests.at(-1)!.json).toMatchObject({ size: '1024x1024' });
    });

    it('text: an OpenAI chat completion at /v1/chat/completions; the reply is the text/plain output', async () => {
      const done = await adapter.submit(request('gitee/qwen3-next-80b-instruct', { kind: 'text-to-text', parameters: { systemPrompt: 'Rewrite it.', temperature: 0.3, maxTokens: 200 } }), ctx);
      const sent = fake.server.requests.at(-1)!;
      expect([sent.path, sent.headers.authorization]).toEqual(['/v1/chat/completions', `Bearer ${TOKEN}`]);
      expect(sent.json).toEqual({
        model: 'Qwen3-Next-80B-A3B-Instruct',
        messages: [
          { role: 'system', content: 'Rewrite it.' },
          { role: 'user', content: '一只在雪地里的红狐狸' },
        ],
        temperature: 0.3,
        max_tokens: 200,
        stream: false,
      });
      await expectDocumentedFields(giteeWireFields, 'chat-completions', sent);
      if (done.status !== 'succeeded' || done.outputs[0]?.type !== 'bytes') throw new Error('expected text');
      expect(done.outputs[0].contentType).toBe('text/plain; charset=utf-8');
      expect(done.outputs[0].data.toString('utf8')).toBe(enhancedBy('Qwen3-Next-80B-A3B-Instruct', '一只在雪地里的红狐狸'));
    });

    it('text: a refused input is CONTENT_REJECTED, a wrong key AUTHENTICATION_FAILED, an empty reply PROVIDER_ERROR', async () => {
      const text = (prompt = '一只狐狸') => request('gitee/qwen3-next-80b-instruct', { kind: 'text-to-text', prompt });
      expect((await providerFailure(adapter.submit(text('something forbidden'), ctx))).code).toBe('CONTENT_REJECTED');
      expect((await providerFailure(adapter.submit(text(), { ...ctx, apiKey: 'gitee-wrong' }))).code).toBe('AUTHENTICATION_FAILED');
      fake.server.inject({ json: { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: '  ' }, finish_reason: 'stop' }] } });
      expect((await providerFailure(adapter.submit(text(), ctx))).code).toBe('PROVIDER_ERROR');
    });

    it('text: an answer not shaped like a chat completion fails as PROVIDER_ERROR naming the field', async () => {
      fake.server.malform = (req) => (req.path === '/v1/chat/completions' ? { object: 'chat.completion', choices: [{ index: 0, message: 'hello' }] } : undefined);
      try {
        const err = await providerFailure(adapter.submit(request('gitee/qwen3-next-80b-instruct', { kind: 'text-to-text' }), ctx));
        expect([err.code, err.retryable]).toEqual(['PROVIDER_ERROR', false]);
        expect(err.message).toContain('choices[0].message');
      } finally {
        fake.server.malform = undefined;
      }
    });
  });
});
