import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../domain/errors';
import sharp from 'sharp';
import { createReplicateAdapter, replicateModels } from '../../providers/replicate';
import { REAL_ESRGAN_VERSION } from '../../providers/replicate/models';
import type { CallContext, PollResult, ProviderAdapter, ProviderEnv, WebhookRequest } from '../../providers/types';
import { FakeServer } from '../fakes/fake-server';
import { readBody, safeFetch } from '../../media/safe-fetch';
import { ReplicateFake } from '../fakes/replicate';
import { providerFailure } from '../support/provider-failure';
import { requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { replicateWireFields } from '../../providers/replicate/wire-fields';

const KEY = 'r8_contract_key_0001';

const request = requestFor(replicateModels, 'a koi pond in the rain');

/** Downloads outputs the way the store step does: the SSRF-safe fetcher, with the output's scoped key. */
async function download(result: PollResult): Promise<Buffer[]> {
  if (result.status !== 'succeeded') throw new Error(`expected succeeded, got ${result.status}`);
  return Promise.all(
    result.outputs.map(async (o) => {
      if (o.type !== 'url') throw new Error('expected url outputs');
      const res = await safeFetch(o.url, { maxBytes: 10_000_000, allowLoopback: true, ...(o.auth ? { scopedHeaders: o.auth } : {}) });
      return readBody(res.body);
    }),
  );
}

describe('Replicate adapter against the Replicate fake', () => {
  const fake = new ReplicateFake({ apiKeys: [KEY, 'r8_limited', 'r8_broke'] });
  const receiver = new FakeServer();
  let env: ProviderEnv;
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await Promise.all([fake.start(), receiver.start()]);
    receiver.route('POST', '/hooks/replicate', () => ({ status: 204 }));
    env = { baseUrl: fake.url, fetch, dataDir: '/nonexistent' };
    adapter = createReplicateAdapter(env);
  });
  afterAll(() => Promise.all([fake.stop(), receiver.stop()]));
  beforeEach(() => {
    fake.server.requests.length = 0;
    fake.failing = false;
    fake.outcome = 'succeeded';
    fake.pollsToFinish = 2;
    fake.filesNeedAuth = true;
    fake.thirdHost = undefined;
  });

  it('creates a flux-schnell prediction with exactly the documented body and polls it to several output URLs', async () => {
    const req = request('replicate/black-forest-labs/flux-schnell', { parameters: { aspect_ratio: '16:9', output_format: 'png', seed: 7 }, numberOfOutputs: 2 });
    const submitted = await adapter.submit(req, ctx);
    const sent = fake.server.requests.at(-1)!;
    expect(sent.path).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.headers.prefer).toBeUndefined();
    expect(sent.json).toEqual({
      input: {
        prompt: 'a koi pond in the rain',
        aspect_ratio: '16:9',
        output_format: 'png',
        output_quality: 80,
        num_inference_steps: 4,
        go_fast: true,
        megapixels: '1',
        disable_safety_checker: false,
        seed: 7,
        num_outputs: 2,
      },
    });
    if (submitted.status !== 'pending') throw new Error('expected a task');

    const first = await adapter.poll!(submitted.taskId, req, ctx);
    expect(first).toEqual({ status: 'running', progress: 0.5 });
    const done = await adapter.poll!(submitted.taskId, req, ctx);
    const bytes = await download(done);
    expect(bytes).toHaveLength(2);
    expect(bytes).toEqual(fake.servedFiles.slice(-2));
  });

  it('passes an input image to flux-1.1-pro as image_prompt and reads a single URL output', async () => {
    const req = request('replicate/black-forest-labs/flux-1.1-pro', {
      kind: 'image-to-image',
      inputImages: ['https://example.com/ref.png'],
      parameters: { aspect_ratio: 'custom', width: 1024, height: 512 },
    });
    const submitted = await adapter.submit(req, ctx);
    expect((fake.server.requests.at(-1)!.json as { input: unknown }).input).toEqual({
      prompt: 'a koi pond in the rain',
      aspect_ratio: 'custom',
      width: 1024,
      height: 512,
      output_format: 'webp',
      output_quality: 80,
      safety_tolerance: 2,
      prompt_upsampling: false,
      image_prompt: 'https://example.com/ref.png',
    });
    if (submitted.status !== 'pending') throw new Error('expected a task');
    fake.pollsToFinish = 1;
    expect(await download(await adapter.poll!(submitted.taskId, req, ctx))).toEqual([fake.servedFiles.at(-1)]);
  });

  describe('nightmareai/real-esrgan: a community upscaler run by its version', () => {
    it.each([2, 4])('×%i: POST /v1/predictions with the version and {image, scale, face_enhance}, no prompt; the output is the input at %i× its size', async (scale) => {
      const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#224466' } }).png().toBuffer();
      const req = request('replicate/nightmareai/real-esrgan', { inputImages: [`data:image/png;base64,${png.toString('base64')}`], parameters: { scale } });
      fake.pollsToFinish = 1;
      const submitted = await adapter.submit(req, ctx);
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe('/v1/predictions');
      expect(sent.json).toEqual({
        version: `nightmareai/real-esrgan:${REAL_ESRGAN_VERSION}`,
        input: { image: `data:image/png;base64,${png.toString('base64')}`, scale, face_enhance: false },
      });
      if (submitted.status !== 'pending') throw new Error('expected a task');
      const [out] = await download(await adapter.poll!(submitted.taskId, req, ctx));
      const meta = await sharp(out).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 30 * scale, 20 * scale]);
    });

    it('takes the documented factors only: scale 0 and 11 and unknown fields are refused before any call', async () => {
      for (const parameters of [{ scale: 0 }, { scale: 11 }, { scale: 2.5 }, { upscale_factor: 2 }]) {
        const err = await providerFailure(adapter.submit({ ...request('replicate/nightmareai/real-esrgan', { inputImages: ['https://example.com/a.png'] }), parameters }, ctx));
        expect([JSON.stringify(parameters), err.code]).toEqual([JSON.stringify(parameters), 'INVALID_PARAMETERS']);
      }
      expect(fake.server.requests).toHaveLength(0);
    });

    it('an image above 256 kB goes through the files API, as for the other models', async () => {
      const big = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#000000' } }).raw().toBuffer();
      const png = await sharp(big, { raw: { width: 400, height: 300, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
      expect(png.length).toBeGreaterThan(256 * 1024);
      await adapter.submit(request('replicate/nightmareai/real-esrgan', { inputImages: [`data:image/png;base64,${png.toString('base64')}`], parameters: { scale: 2 } }), ctx);
      const created = fake.server.requests.at(-1)!;
      expect(created.path).toBe('/v1/predictions');
      expect((created.json as { input: { image: string } }).input.image).toMatch(/\/files\/upload-/);
    });
  });

  it('maps every prediction status: starting, processing, succeeded, failed, canceled', async () => {
    const req = request('replicate/minimax/video-01');
    fake.pollsToFinish = 3;
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    expect(fake.predictions.get(submitted.taskId)?.status).toBe('starting');
    expect(await adapter.poll!(submitted.taskId, req, ctx)).toEqual({ status: 'running', progress: 0.33 });
    expect(await adapter.poll!(submitted.taskId, req, ctx)).toEqual({ status: 'running', progress: 0.67 });
    const video = await download(await adapter.poll!(submitted.taskId, req, ctx));
    expect(video[0]!.subarray(4, 8).toString('latin1')).toBe('ftyp');

    fake.outcome = 'failed';
    const failed = await adapter.submit(req, ctx);
    if (failed.status !== 'pending') throw new Error('expected a task');
    await fake.finish(failed.taskId);
    const err = await providerFailure(adapter.poll!(failed.taskId, req, ctx));
    expect([err.code, err.retryable]).toEqual(['PROVIDER_ERROR', false]);
    expect(err.message).toContain('CUDA error');

    fake.outcome = 'nsfw';
    const nsfw = await adapter.submit(req, ctx);
    if (nsfw.status !== 'pending') throw new Error('expected a task');
    await fake.finish(nsfw.taskId);
    expect((await providerFailure(adapter.poll!(nsfw.taskId, req, ctx))).code).toBe('CONTENT_REJECTED');
  });

  it('an input image above 256 kB is uploaded through the files API and passed as its URL; a small one stays a data URL', async () => {
    const big = `data:image/png;base64,${Buffer.alloc(300 * 1024, 7).toString('base64')}`;
    await adapter.submit(request('replicate/black-forest-labs/flux-1.1-pro', { kind: 'image-to-image', inputImages: [big] }), ctx);
    const upload = fake.server.requests.find((r) => r.method === 'POST' && r.path === '/v1/files')!;
    expect(upload.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(String(upload.headers['content-type'])).toMatch(/^multipart\/form-data/);
    const [id, stored] = [...fake.uploads.entries()].at(-1)!;
    expect(stored.data.equals(Buffer.alloc(300 * 1024, 7))).toBe(true);
    const created = fake.server.requests.at(-1)!;
    expect((created.json as { input: Record<string, unknown> }).input.image_prompt).toBe(`${fake.url}/files/upload-${id}`);

    fake.server.requests.length = 0;
    const small = `data:image/png;base64,${Buffer.alloc(1024, 7).toString('base64')}`;
    await adapter.submit(request('replicate/black-forest-labs/flux-1.1-pro', { kind: 'image-to-image', inputImages: [small] }), ctx);
    expect(fake.server.requests.map((r) => r.path)).toEqual(['/v1/models/black-forest-labs/flux-1.1-pro/predictions']);
    expect((fake.server.requests.at(-1)!.json as { input: Record<string, unknown> }).input.image_prompt).toBe(small);
  });

  it('aborted (deadline passed before it started, per Replicate) → canceled, not a timeout or a retry', async () => {
    const req = request('replicate/minimax/video-01');
    fake.outcome = 'aborted';
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    await fake.finish(submitted.taskId);
    expect(await adapter.poll!(submitted.taskId, req, ctx)).toEqual({ status: 'canceled' });
  });

  describe('output downloads (Replicate: output files need Authorization)', () => {
    it('a download from Replicate\'s delivery host works, with the key', async () => {
      const req = request('replicate/black-forest-labs/flux-schnell');
      fake.pollsToFinish = 1;
      const submitted = await adapter.submit(req, ctx);
      if (submitted.status !== 'pending') throw new Error('expected a task');
      const result = await adapter.poll!(submitted.taskId, req, ctx);
      expect(await download(result)).toEqual([fake.servedFiles.at(-1)]);
      const got = fake.server.requests.filter((r) => r.path.startsWith('/files/')).at(-1)!;
      expect(got.headers.authorization).toBe(`Bearer ${KEY}`);
      // Without the key the delivery host refuses, so the key is what makes it work.
      if (result.status !== 'succeeded' || result.outputs[0]!.type !== 'url') throw new Error('expected a url');
      await expect(safeFetch(result.outputs[0]!.url, { maxBytes: 1e7, allowLoopback: true })).rejects.toThrow(/401/);
    });

    it('an output URL on a third host is fetched without the key', async () => {
      const third = new FakeServer();
      await third.start();
      try {
        third.route('GET', '/files/:name', (r) => ({ ...fake.file({ ...r, headers: { ...r.headers, authorization: `Bearer ${KEY}` } }) }));
        fake.thirdHost = third;
        fake.pollsToFinish = 1;
        const req = request('replicate/black-forest-labs/flux-schnell');
        const submitted = await adapter.submit(req, ctx);
        if (submitted.status !== 'pending') throw new Error('expected a task');
        const result = await adapter.poll!(submitted.taskId, req, ctx);
        expect(await download(result)).toEqual([fake.servedFiles.at(-1)]);
        expect(third.requests.length).toBeGreaterThan(0);
        for (const r of third.requests) expect(r.headers.authorization).toBeUndefined();
      } finally {
        await third.stop();
      }
    });

    it('the provider declares its delivery hosts', async () => {
      const { replicateProvider } = await import('../../providers/replicate');
      expect(replicateProvider.deliveryHosts).toEqual(expect.arrayContaining(['replicate.delivery', '*.replicate.delivery']));
    });
  });

  it('cancel calls the prediction cancel endpoint, and the next poll says canceled', async () => {
    const req = request('replicate/minimax/video-01');
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    await adapter.cancel!(submitted.taskId, ctx);
    expect(fake.cancelRequests).toContain(submitted.taskId);
    expect(fake.server.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v1/predictions/${submitted.taskId}/cancel` });
    expect(await adapter.poll!(submitted.taskId, req, ctx)).toEqual({ status: 'canceled' });
  });

  it('with Prefer: wait a fast prediction comes back finished from the create call', async () => {
    const waiting = createReplicateAdapter(env, { preferWaitSeconds: 30 });
    const result = await waiting.submit(request('replicate/black-forest-labs/flux-schnell'), ctx);
    expect(fake.server.requests.at(-1)!.headers.prefer).toBe('wait=30');
    expect(await download(result as PollResult)).toEqual([fake.servedFiles.at(-1)]);
  });

  describe('errors map onto the taxonomy', () => {
    it('401 is AUTHENTICATION_FAILED; the legacy Token scheme is accepted too', async () => {
      const err = await providerFailure(adapter.submit(request('replicate/black-forest-labs/flux-schnell'), { ...ctx, apiKey: 'r8_wrong' }));
      expect([err.code, err.retryable]).toEqual(['AUTHENTICATION_FAILED', false]);
      const res = await fetch(`${fake.url}/v1/predictions/none`, { headers: { authorization: `Token ${KEY}` } });
      expect(res.status).toBe(404);
    });

    it('402 insufficient credit is QUOTA_EXCEEDED; 429 is RATE_LIMITED with its Retry-After', async () => {
      fake.keysWithoutCredit.add('r8_broke');
      fake.rateLimitedKeys.set('r8_limited', 3);
      const broke = await providerFailure(adapter.submit(request('replicate/black-forest-labs/flux-schnell'), { ...ctx, apiKey: 'r8_broke' }));
      expect([broke.code, broke.retryable]).toEqual(['QUOTA_EXCEEDED', false]);
      expect(broke.message).toContain('insufficient credit');
      const limited = await providerFailure(adapter.submit(request('replicate/black-forest-labs/flux-schnell'), { ...ctx, apiKey: 'r8_limited' }));
      expect([limited.code, limited.retryable, limited.retryAfterMs]).toEqual(['RATE_LIMITED', true, 3000]);
    });

    it('bad parameters are refused before any call; a 422 from Replicate is INVALID_PARAMETERS naming the field', async () => {
      const req = { ...request('replicate/black-forest-labs/flux-schnell'), parameters: { aspect_ratio: '7:1' } };
      expect((await providerFailure(adapter.submit(req, ctx))).code).toBe('INVALID_PARAMETERS');
      expect(fake.server.requests).toHaveLength(0);

      const res = await fetch(`${fake.url}/v1/models/black-forest-labs/flux-schnell/predictions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ input: { prompt: 'x', aspect_ratio: '7:1', steps: 3 } }),
      });
      const body = (await res.json()) as { invalid_fields: Array<{ field: string }> };
      expect(res.status).toBe(422);
      expect(body.invalid_fields.map((f) => f.field)).toEqual(['input.aspect_ratio', 'input']);

      fake.server.inject({ status: 422, json: { title: 'Input validation failed', detail: '- input.aspect_ratio: aspect_ratio must be one of the following: "1:1"', status: 422 } });
      const raw = await providerFailure(adapter.submit(request('replicate/black-forest-labs/flux-schnell'), ctx));
      expect(raw.code).toBe('INVALID_PARAMETERS');
      expect(raw.message).toContain('input.aspect_ratio');
    });

    it('5xx is a retryable PROVIDER_UNAVAILABLE, 504 a PROVIDER_TIMEOUT, an unknown prediction a PROVIDER_ERROR', async () => {
      fake.failing = true;
      expect((await providerFailure(adapter.poll!('abc', request('replicate/minimax/video-01'), ctx))).code).toBe('PROVIDER_UNAVAILABLE');
      fake.failing = false;
      fake.server.inject({ status: 504, body: 'Gateway Timeout' });
      expect((await providerFailure(adapter.poll!('abc', request('replicate/minimax/video-01'), ctx))).code).toBe('PROVIDER_TIMEOUT');
      expect((await providerFailure(adapter.poll!('does-not-exist', request('replicate/minimax/video-01'), ctx))).code).toBe('PROVIDER_ERROR');
    });
  });

  describe('webhooks', () => {
    it('asks for start and completed webhooks and accepts the signed delivery as the prediction result', async () => {
      const hooked = createReplicateAdapter(env, { webhookUrl: `${receiver.url}/hooks/replicate` });
      const req = request('replicate/black-forest-labs/flux-schnell');
      const submitted = await hooked.submit(req, ctx);
      expect(fake.server.requests.at(-1)!.json).toMatchObject({ webhook: `${receiver.url}/hooks/replicate`, webhook_events_filter: ['start', 'completed'] });
      if (submitted.status !== 'pending') throw new Error('expected a task');
      await fake.finish(submitted.taskId);

      const deliveries = receiver.requests.filter((r) => r.path === '/hooks/replicate');
      expect(deliveries.length).toBeGreaterThanOrEqual(2);
      const toWebhook = (r: (typeof deliveries)[number]): WebhookRequest => ({
        headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
        body: r.body,
      });
      const started = hooked.parseWebhook!(toWebhook(deliveries[0]!), fake.webhookSecret);
      expect(started).toEqual({ taskId: submitted.taskId, result: { status: 'pending' } });
      const completed = await hooked.parseWebhook!(toWebhook(deliveries.at(-1)!), fake.webhookSecret);
      expect(completed.taskId).toBe(submitted.taskId);
      // A webhook only names the task (it carries no key); the poll that follows downloads.
      expect(completed.result).toMatchObject({ status: 'succeeded', outputs: [{ type: 'url' }] });
      expect(JSON.stringify(completed.result)).not.toContain(KEY);
    });

    function delivery(body: string, timestamp: number, signature?: string): WebhookRequest {
      const id = 'msg_2Lh9KRb0pzN4hHd8bQk6Q9pRRJk';
      return {
        headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature ?? fake.sign(id, timestamp, body) },
        body: Buffer.from(body),
      };
    }
    const now = () => Math.floor(Date.now() / 1000);
    const failedBody = JSON.stringify({ id: 'p1', status: 'failed', error: 'NSFW content detected. Try a different prompt.', output: null });

    it('reports a failed prediction as a failure with its code, and accepts any of several signatures', async () => {
      const ts = now();
      const good = delivery(failedBody, ts);
      good.headers['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')} ${good.headers['webhook-signature']}`;
      const event = await adapter.parseWebhook!(good, fake.webhookSecret);
      expect(event).toMatchObject({ taskId: 'p1', result: { status: 'failed', error: { code: 'CONTENT_REJECTED' } } });
      expect(event.result.status === 'failed' && event.result.error.message).toContain('NSFW');
    });

    it('rejects a forged body, a wrong secret, a stale or future timestamp and missing headers', async () => {
      const ts = now();
      const cases: Array<[string, WebhookRequest, string]> = [
        ['tampered body', { ...delivery(failedBody, ts), body: Buffer.from(failedBody.replace('failed', 'succeeded')) }, fake.webhookSecret],
        ['wrong secret', delivery(failedBody, ts), `whsec_${Buffer.from('another secret of 24 bytes!').toString('base64')}`],
        ['stale', delivery(failedBody, ts - 6 * 60), fake.webhookSecret],
        ['future', delivery(failedBody, ts + 6 * 60), fake.webhookSecret],
        ['unknown version', delivery(failedBody, ts, fake.sign('msg_2Lh9KRb0pzN4hHd8bQk6Q9pRRJk', ts, failedBody).replace('v1,', 'v2,')), fake.webhookSecret],
        ['no headers', { headers: {}, body: Buffer.from(failedBody) }, fake.webhookSecret],
      ];
      for (const [name, req, secret] of cases) {
        let err: unknown;
        try {
          await adapter.parseWebhook!(req, secret);
        } catch (e) {
          err = e;
        }
        expect([name, err instanceof ProviderError ? err.code : err]).toEqual([name, 'AUTHENTICATION_FAILED']);
      }
      // Within the tolerance a delivery still counts.
      expect((await adapter.parseWebhook!(delivery(failedBody, ts - 4 * 60), fake.webhookSecret)).taskId).toBe('p1');
    });
  });

  describe('field names as Replicate documents them (providers/replicate/wire-fields.ts)', () => {
    it.each([
      ['black-forest-labs/flux-schnell', {}, 0, false],
      ['black-forest-labs/flux-schnell', { seed: 5, disable_safety_checker: true, megapixels: '0.25' }, 0, true],
      ['black-forest-labs/flux-1.1-pro', { aspect_ratio: 'custom', width: 1024, height: 512, prompt_upsampling: true }, 0, false],
      ['black-forest-labs/flux-1.1-pro', { seed: 9 }, 1, true],
      ['minimax/video-01', { prompt_optimizer: false }, 0, false],
      ['minimax/video-01', {}, 1, true],
    ] as const)('%s %j (images %i, webhook %s)', async (family, parameters, images, webhook) => {
      const png = `data:image/png;base64,${Buffer.alloc(512, 1).toString('base64')}`;
      const spec = replicateModels.find((m) => m.id === `replicate/${family}`)!;
      const hooked = webhook ? createReplicateAdapter(env, { webhookUrl: `${receiver.url}/hooks/replicate` }) : adapter;
      await hooked.submit(request(spec.id, { parameters, inputImages: images ? [png] : [], kind: images ? spec.kinds[1]! : spec.kinds[0]! }), ctx);
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe(`/v1/models/${family}/predictions`);
      const body = await expectDocumentedFields(replicateWireFields, family, sent);
      expect('webhook' in body).toBe(webhook);
    });

    it.each([
      [{}, false],
      [{ scale: 2, face_enhance: true }, true],
    ] as const)('nightmareai/real-esrgan %j (webhook %s)', async (parameters, webhook) => {
      const hooked = webhook ? createReplicateAdapter(env, { webhookUrl: `${receiver.url}/hooks/replicate` }) : adapter;
      await hooked.submit(request('replicate/nightmareai/real-esrgan', { parameters, inputImages: ['https://example.com/small.png'] }), ctx);
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe('/v1/predictions');
      const body = await expectDocumentedFields(replicateWireFields, 'nightmareai/real-esrgan', sent);
      expect('webhook' in body).toBe(webhook);
    });

    it('the files API upload is the multipart field `content`', async () => {
      const big = `data:image/png;base64,${Buffer.alloc(300 * 1024, 3).toString('base64')}`;
      await adapter.submit(request('replicate/black-forest-labs/flux-1.1-pro', { kind: 'image-to-image', inputImages: [big] }), ctx);
      const upload = fake.server.requests.find((r) => r.path === '/v1/files')!;
      expect(await expectDocumentedFields(replicateWireFields, 'files', upload)).toEqual({ content: '<file>' });
    });

    it("flux-1.1-pro offers only its own page's aspect ratios: 21:9 is refused before any call (flux-schnell keeps it)", async () => {
      const wide = { ...request('replicate/black-forest-labs/flux-1.1-pro'), parameters: { aspect_ratio: '21:9' } };
      const err = await providerFailure(adapter.submit(wide, ctx));
      expect([err.code, err.message]).toEqual(['INVALID_PARAMETERS', expect.stringContaining('aspect_ratio')]);
      expect(fake.server.requests).toHaveLength(0);
      await adapter.submit(request('replicate/black-forest-labs/flux-schnell', { parameters: { aspect_ratio: '21:9' } }), ctx);
      expect((fake.server.requests.at(-1)!.json as { input: { aspect_ratio: string } }).input.aspect_ratio).toBe('21:9');
    });
  });
});
