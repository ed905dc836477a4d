import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createJiekouAdapter, jiekouModels } from '../../providers/jiekou';
import type { CallContext, ProviderAdapter } from '../../providers/types';
import { FakeServer } from '../fakes/fake-server';
import { JiekouFake } from '../fakes/jiekou';
import { pngImage } from '../fakes/media';
import { providerFailure } from '../support/provider-failure';
import { expectDocumentedFields } from '../support/wire-fields';
import { jiekouWireFields } from '../../providers/jiekou/wire-fields';

const KEY = 'jk-contract-key-0001';

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  const spec = jiekouModels[0]!;
  const parameters = spec.parameters.parse(overrides.parameters ?? {});
  return { model: 'jiekou/sora-2', kind: 'text-to-video', prompt: 'a paper boat drifting down a rainy street', inputImages: [], numberOfOutputs: 1, ...overrides, parameters };
}

describe('Jiekou AI adapter against the Jiekou fake', () => {
  const fake = new JiekouFake({ apiKeys: [KEY, 'jk-limited', 'jk-broke'] });
  const imageHost = new FakeServer();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };
  let png: Buffer;

  beforeAll(async () => {
    await fake.start();
    png = await pngImage(96, 64);
    imageHost.route('GET', '/frame.png', () => ({ body: png, headers: { 'content-type': 'image/png' } }));
    await imageHost.start();
    adapter = createJiekouAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent' });
  });
  afterAll(async () => {
    await fake.stop();
    await imageHost.stop();
  });
  beforeEach(() => {
    fake.server.requests.length = 0;
    fake.failing = false;
    fake.outcome = 'TASK_STATUS_SUCCEED';
    fake.pollsToFinish = 3;
  });

  async function submitTask(req: GenerationRequest): Promise<string> {
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    return submitted.taskId;
  }

  it('maps durationSeconds/aspectRatio onto duration/size, then polls QUEUED → PROCESSING → SUCCEED to the video', async () => {
    const req = request({ parameters: { durationSeconds: 15, aspectRatio: '9:16' } });
    const taskId = await submitTask(req);
    const sent = fake.server.requests.at(-1)!;
    expect([sent.method, sent.path, sent.headers.authorization]).toEqual(['POST', '/v3/async/sora-2-video-reverse', `Bearer ${KEY}`]);
    expect(sent.json).toEqual({ prompt: 'a paper boat drifting down a rainy street', duration: 15, size: '720x1280', watermark: false });

    expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'pending' });
    expect(fake.server.requests.at(-1)!.query.get('task_id')).toBe(taskId);
    expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'running', progress: 0.67 });
    const done = await adapter.poll!(taskId, req, ctx);
    if (done.status !== 'succeeded' || done.outputs[0]?.type !== 'url') throw new Error('expected a video URL');
    expect(Buffer.from(await (await fetch(done.outputs[0].url)).arrayBuffer())).toEqual(fake.files.served.at(-1));
  });

  it('passes the first frame as an image URL that Jiekou downloads; an inline image is refused before any call', async () => {
    await submitTask(request({ kind: 'image-to-video', inputImages: [`${imageHost.url}/frame.png`] }));
    expect(fake.server.requests.at(-1)!.json).toMatchObject({ image: `${imageHost.url}/frame.png` });
    expect([...fake.tasks.values()].at(-1)!.input?.bytes).toEqual(png);
    fake.server.requests.length = 0;
    const inline = await providerFailure(adapter.submit(request({ inputImages: [`data:image/png;base64,${png.toString('base64')}`] }), ctx));
    expect([inline.code, inline.message]).toEqual(['UNSUPPORTED_CAPABILITY', expect.stringContaining('http(s) URL')]);
    expect(fake.server.requests).toHaveLength(0);
  });

  it('a failed task is PROVIDER_ERROR with its reason; a moderation reason is CONTENT_REJECTED', async () => {
    fake.pollsToFinish = 1;
    fake.outcome = 'TASK_STATUS_FAILED';
    fake.failureReason = 'video generation failed';
    const failed = await providerFailure(adapter.poll!(await submitTask(request()), request(), ctx));
    expect([failed.code, failed.retryable, failed.message]).toEqual(['PROVIDER_ERROR', false, 'jiekou: video generation failed']);
    fake.failureReason = 'This content may violate our content policies';
    expect((await providerFailure(adapter.poll!(await submitTask(request()), request(), ctx))).code).toBe('CONTENT_REJECTED');
  });

  describe('errors map onto the taxonomy, and the key never shows', () => {
    it('INVALID_API_KEY is AUTHENTICATION_FAILED; NOT_ENOUGH_BALANCE is QUOTA_EXCEEDED', async () => {
      const wrong = await providerFailure(adapter.submit(request(), { ...ctx, apiKey: 'jk-secret-wrong-key' }));
      expect([wrong.code, wrong.retryable]).toEqual(['AUTHENTICATION_FAILED', false]);
      expect(JSON.stringify({ m: wrong.message, d: wrong.details })).not.toContain('jk-secret-wrong-key');
      fake.keysWithoutBalance.add('jk-broke');
      const broke = await providerFailure(adapter.submit(request(), { ...ctx, apiKey: 'jk-broke' }));
      expect([broke.code, broke.message]).toEqual(['QUOTA_EXCEEDED', 'jiekou: not enough balance (NOT_ENOUGH_BALANCE)']);
    });

    it('429 is RATE_LIMITED with Retry-After; 500 a retryable PROVIDER_UNAVAILABLE', async () => {
      fake.rateLimitedKeys.set('jk-limited', 9);
      const limited = await providerFailure(adapter.submit(request(), { ...ctx, apiKey: 'jk-limited' }));
      expect([limited.code, limited.retryAfterMs]).toEqual(['RATE_LIMITED', 9000]);
      fake.failing = true;
      const down = await providerFailure(adapter.poll!('x', request(), ctx));
      expect([down.code, down.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    });

    it("a 400 (the fake's own validation) is INVALID_PARAMETERS", async () => {
      const res = await fetch(`${fake.url}/v3/async/sora-2-video-reverse`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x', duration: 5, size: '1280x720' }),
      });
      const body = (await res.json()) as Record<string, unknown>;
      expect([res.status, body.reason]).toEqual([400, 'INVALID_REQUEST_BODY']);
      fake.server.inject({ status: 400, json: body });
      const err = await providerFailure(adapter.submit(request(), ctx));
      expect([err.code, err.message]).toEqual(['INVALID_PARAMETERS', 'jiekou: duration must be one of 10, 15 (INVALID_REQUEST_BODY)']);
    });

    it('an OpenAI-style error body (the documented shape rests on docs alone) keeps its message and code', async () => {
      fake.server.inject({ status: 403, json: { error: { message: 'Your balance is insufficient', code: 'NOT_ENOUGH_BALANCE', type: 'billing' } } });
      const broke = await providerFailure(adapter.submit(request(), ctx));
      expect([broke.code, broke.message]).toEqual(['QUOTA_EXCEEDED', 'jiekou: Your balance is insufficient (NOT_ENOUGH_BALANCE)']);
    });
  });

  describe('terminal task states and the request body (providers/jiekou/wire-fields.ts)', () => {
    it.each([
      ['text', {}, []],
      ['image, portrait, 15 s, watermark', { aspectRatio: '9:16', durationSeconds: 15, watermark: true }, ['frame']],
    ] as const)('%s: only documented fields', async (_name, parameters, frames) => {
      await submitTask(request({ parameters, inputImages: frames.map(() => `${imageHost.url}/frame.png`), ...(frames.length ? { kind: 'image-to-video' } : {}) }));
      await expectDocumentedFields(jiekouWireFields, 'sora-2-video-reverse', fake.server.requests.filter((r) => r.method === 'POST').at(-1)!);
    });

    it('an unknown task status is a PROVIDER_ERROR naming it, never taken for success', async () => {
      const req = request();
      const taskId = await submitTask(req);
      fake.server.inject({ json: { task: { task_id: taskId, status: 'TASK_STATUS_EXPIRED' }, videos: [] } });
      const err = await providerFailure(adapter.poll!(taskId, req, ctx));
      expect([err.code, err.message]).toEqual(['PROVIDER_ERROR', 'jiekou: unknown task status "TASK_STATUS_EXPIRED"']);
    });

    it('SUCCEED without a video URL is a PROVIDER_ERROR, not an empty success', async () => {
      const req = request();
      const taskId = await submitTask(req);
      fake.server.inject({ json: { task: { task_id: taskId, status: 'TASK_STATUS_SUCCEED' }, videos: [] } });
      expect((await providerFailure(adapter.poll!(taskId, req, ctx))).code).toBe('PROVIDER_ERROR');
    });
  });
});
