import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createTuziAdapter, tuziModels } from '../../providers/tuzi';
import type { CallContext, PollResult, ProviderAdapter } from '../../providers/types';
import { pngImage } from '../fakes/media';
import { TuziFake } from '../fakes/tuzi';
import { caught, requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { tuziWireFields } from '../../providers/tuzi/wire-fields';
import { klingWireFields } from '../../providers/kling/wire-fields';

const KEY = 'sk-tuzi-test';

const request = requestFor(tuziModels, 'a lantern festival');

describe('TuZi adapter against the local fake', () => {
  const fake = new TuziFake();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await fake.start();
    adapter = createTuziAdapter({ dataDir: '/nonexistent', baseUrl: fake.url, fetch });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.mjPollsUntilDone = 2;
    fake.mjFailWith = undefined;
    fake.noQuota = false;
    fake.kling.pollsUntilDone = 0;
    fake.kling.failTasksWith = undefined;
    fake.server.requests.length = 0;
  });

  async function submitted(req: GenerationRequest): Promise<string> {
    const result = await adapter.submit(req, ctx);
    if (result.status !== 'pending') throw new Error('expected a task');
    return result.taskId;
  }

  it('OpenAI-style images: one synchronous call, b64_json decoded into image bytes', async () => {
    const result = await adapter.submit(request('tuzi/gpt-image-1', { numberOfOutputs: 2, parameters: { size: '1536x1024', quality: 'high' } }), ctx);
    expect(fake.server.requests.at(-1)!.json).toEqual({ model: 'gpt-image-1', prompt: 'a lantern festival', n: 2, size: '1536x1024', quality: 'high' });
    expect(fake.server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    if (result.status !== 'succeeded') throw new Error('expected outputs');
    expect(result.outputs.map((o) => o.type === 'bytes' && o.data.subarray(1, 4).toString())).toEqual(['PNG', 'PNG']);
  });

  it('Kling through TuZi: the Kling body and task API under /kling, with the TuZi key as bearer', async () => {
    const req = request('tuzi/kling-v2.5-turbo', { parameters: { durationSeconds: 10, aspectRatio: '1:1' } });
    const taskId = await submitted(req);
    const sent = fake.server.requests.at(-1)!;
    expect([sent.path, sent.headers.authorization]).toEqual(['/kling/v1/videos/text2video', `Bearer ${KEY}`]);
    expect(sent.json).toMatchObject({ model_name: 'kling-v2-5-turbo', duration: '10', aspect_ratio: '1:1', mode: 'pro' });
    const done = await adapter.poll!(taskId, req, ctx);
    expect(done).toEqual({ status: 'succeeded', outputs: [{ type: 'url', url: fake.kling.tasks.get(taskId)!.urls[0] }] });
    expect(fake.server.requests.at(-1)!.path).toBe(`/kling/v1/videos/text2video/${taskId}`);
  });

  it('Midjourney: options go into the prompt, reference images inline; fetch walks SUBMITTED → "67%" → SUCCESS', async () => {
    const image = `data:image/png;base64,${(await pngImage(8, 8)).toString('base64')}`;
    const req = request('tuzi/midjourney', { kind: 'image-to-image', inputImages: [image], parameters: { aspectRatio: '16:9', version: '7', botType: 'NIJI_JOURNEY' } });
    const taskId = await submitted(req);
    expect(fake.server.requests.at(-1)!.json).toEqual({ botType: 'NIJI_JOURNEY', prompt: 'a lantern festival --ar 16:9 --v 7', base64Array: [image] });
    const seen: PollResult[] = [];
    for (let i = 0; i < 3; i++) seen.push(await adapter.poll!(taskId, req, ctx));
    expect(seen).toEqual([{ status: 'pending' }, { status: 'running', progress: 0.67 }, { status: 'succeeded', outputs: [{ type: 'url', url: fake.mj.get(taskId)!.url }] }]);
    expect(fake.server.requests.at(-1)!.path).toBe(`/mj/task/${taskId}/fetch`);
  });

  describe('request bodies carry only the fields the upstream APIs document (providers/tuzi/wire-fields.ts)', () => {
    it('images: the OpenAI image body', async () => {
      await adapter.submit(request('tuzi/gpt-image-1', { parameters: { size: '1024x1536', quality: 'low' } }), ctx);
      await expectDocumentedFields(tuziWireFields, 'images', fake.server.requests.at(-1)!);
    });

    it('mj-imagine: the mj-proxy imagine body, with and without reference images', async () => {
      const image = `data:image/png;base64,${(await pngImage(8, 8)).toString('base64')}`;
      for (const inputImages of [[], [image]]) {
        await submitted(request('tuzi/midjourney', { inputImages, ...(inputImages.length ? { kind: 'image-to-image' } : {}), parameters: { aspectRatio: '3:2' } }));
        await expectDocumentedFields(tuziWireFields, 'mj-imagine', fake.server.requests.at(-1)!);
      }
    });

    it.each([
      ['text2video', 'tuzi/kling-v2.5-turbo', [], '/kling/v1/videos/text2video'],
      ['image2video', 'tuzi/kling-v2.1-master', ['https://img.example/frame.png'], '/kling/v1/videos/image2video'],
      ['images', 'tuzi/kling-image-v2', [], '/kling/v1/images/generations'],
    ] as const)("Kling's %s body passes through the /kling proxy as Kling documents it (%s)", async (family, model, inputImages, path) => {
      const spec = tuziModels.find((m) => m.id === model)!;
      await submitted(request(model, { inputImages: [...inputImages], kind: inputImages.length ? (family === 'image2video' ? 'image-to-video' : 'image-to-image') : spec.kinds[0]! }));
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe(path);
      await expectDocumentedFields(klingWireFields, family, sent);
    });
  });

  describe('Midjourney terminal states, each as mj-proxy means it', () => {
    it('MODAL is still running; CANCEL reads canceled; an unknown status is a final PROVIDER_ERROR', async () => {
      const req = request('tuzi/midjourney');
      const taskId = await submitted(req);
      fake.server.inject({ json: { id: taskId, action: 'IMAGINE', status: 'MODAL', progress: '40%' } });
      expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'running', progress: 0.4 });
      fake.server.inject({ json: { id: taskId, action: 'IMAGINE', status: 'CANCEL', progress: '0%', failReason: '' } });
      expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'canceled' });
      fake.server.inject({ json: { id: taskId, action: 'IMAGINE', status: 'EXPIRED' } });
      const err = await caught(adapter.poll!(taskId, req, ctx));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_ERROR', false]);
    });

    it('SUCCESS without an image URL is a final PROVIDER_ERROR, not an empty success', async () => {
      const req = request('tuzi/midjourney');
      const taskId = await submitted(req);
      fake.server.inject({ json: { id: taskId, action: 'IMAGINE', status: 'SUCCESS', progress: '100%', imageUrl: '' } });
      const err = await caught(adapter.poll!(taskId, req, ctx));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_ERROR', false]);
    });
  });

  describe('maps failures onto the taxonomy', () => {
    it('a banned word at submit (code 24) and a failed task with a sensitive reason → CONTENT_REJECTED', async () => {
      expect((await caught(adapter.submit(request('tuzi/midjourney', { prompt: 'something forbidden' }), ctx))).code).toBe('CONTENT_REJECTED');
      fake.mjFailWith = 'Banned prompt detected';
      fake.mjPollsUntilDone = 0;
      const req = request('tuzi/midjourney');
      const err = await caught(adapter.poll!(await submitted(req), req, ctx));
      expect([err.code, err.retryable]).toEqual(['CONTENT_REJECTED', false]);
    });

    it('a full Midjourney queue (code 23) → PROVIDER_UNAVAILABLE, retried', async () => {
      fake.server.inject({ json: { code: 23, description: '队列已满，请稍后尝试', result: null } });
      const err = await caught(adapter.submit(request('tuzi/midjourney'), ctx));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    });

    it('a failed Kling task through the proxy → PROVIDER_ERROR, final', async () => {
      fake.kling.failTasksWith = 'Video generation failed';
      const req = request('tuzi/kling-v2.1-master');
      const err = await caught(adapter.poll!(await submitted(req), req, ctx));
      expect([err.code, err.retryable, err.message]).toEqual(['PROVIDER_ERROR', false, 'tuzi: Video generation failed']);
    });

    it('a wrong key → AUTHENTICATION_FAILED on every API, without the key', async () => {
      for (const model of ['tuzi/gpt-image-1', 'tuzi/kling-image-v2', 'tuzi/midjourney']) {
        const err = await caught(adapter.submit(request(model), { ...ctx, apiKey: 'sk-wrong-secret' }));
        expect([model, err.code]).toEqual([model, 'AUTHENTICATION_FAILED']);
        expect(JSON.stringify([err.message, err.details])).not.toContain('sk-wrong-secret');
      }
    });

    it('used-up quota → QUOTA_EXCEEDED; a safety refusal of the image API → CONTENT_REJECTED', async () => {
      fake.noQuota = true;
      expect((await caught(adapter.submit(request('tuzi/gpt-image-1'), ctx))).code).toBe('QUOTA_EXCEEDED');
      fake.noQuota = false;
      expect((await caught(adapter.submit(request('tuzi/gpt-image-1', { prompt: 'something forbidden' }), ctx))).code).toBe('CONTENT_REJECTED');
    });

    it('429 with Retry-After → RATE_LIMITED with the delay', async () => {
      fake.rateLimit(1, 5);
      const err = await caught(adapter.submit(request('tuzi/midjourney'), ctx));
      expect([err.code, err.retryAfterMs]).toEqual(['RATE_LIMITED', 5000]);
    });
  });
});
