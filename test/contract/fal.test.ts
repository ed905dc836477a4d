import { generateKeyPairSync } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createFalAdapter, falModels } from '../../providers/fal';
import type { CallContext, PollResult, ProviderAdapter, WebhookRequest } from '../../providers/types';
import { FakeServer } from '../fakes/fake-server';
import { FalFake } from '../fakes/fal';
import { caught, requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { falWireFields } from '../../providers/fal/wire-fields';

const KEY = 'fal-test-key';
/** A 1×1 PNG: the fake upscaler reads its input's size, as fal fetches the image itself. */
const ONE_PIXEL_PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const request = requestFor(falModels, 'a hummingbird in slow motion');

describe('fal.ai queue adapter against the local fake', () => {
  const fake = new FalFake();
  const receiver = new FakeServer();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await Promise.all([fake.start(), receiver.start()]);
    receiver.route('POST', '/hooks/fal', () => ({ status: 200 }));
    adapter = createFalAdapter({ dataDir: '/nonexistent', baseUrl: fake.url, fetch }, { jwksUrl: fake.jwksUrl });
  });
  afterAll(() => Promise.all([fake.stop(), receiver.stop()]));
  beforeEach(() => {
    fake.pollsUntilDone = 2;
    fake.failWith = undefined;
    fake.lockedUser = false;
    fake.server.requests.length = 0;
  });

  async function submitted(req: GenerationRequest): Promise<string> {
    const result = await adapter.submit(req, ctx);
    if (result.status !== 'pending') throw new Error('expected a queued request');
    return result.taskId;
  }

  async function pollToEnd(taskId: string, req: GenerationRequest): Promise<PollResult[]> {
    const seen: PollResult[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await adapter.poll!(taskId, req, ctx);
      seen.push(r);
      if (r.status === 'succeeded' || r.status === 'canceled') return seen;
    }
    throw new Error('never finished');
  }

  it('Pika text-to-video: normalised duration/aspect/resolution go out under fal names, with Key auth', async () => {
    await submitted(request('fal/pika-v2.2', { parameters: { durationSeconds: 10, aspectRatio: '9:16', resolution: '1080p', seed: 7 } }));
    const sent = fake.server.requests.at(-1)!;
    expect(sent.path).toBe('/fal-ai/pika/v2.2/text-to-video');
    expect(sent.headers.authorization).toBe(`Key ${KEY}`);
    expect(sent.json).toEqual({ prompt: 'a hummingbird in slow motion', duration: 10, aspect_ratio: '9:16', resolution: '1080p', seed: 7 });
  });

  it('Pika with an input image goes to image-to-video with image_url and no aspect ratio', async () => {
    const req = request('fal/pika-v2.2', { kind: 'image-to-video', inputImages: ['https://img.example/first.png'] });
    const taskId = await submitted(req);
    expect(fake.server.requests.at(-1)!.json).toEqual({ prompt: 'a hummingbird in slow motion', duration: 5, resolution: '720p', image_url: 'https://img.example/first.png' });
    expect(fake.queued.get(taskId)!.endpoint).toBe('fal-ai/pika/v2.2/image-to-video');
  });

  describe('fal-ai/clarity-upscaler', () => {
    it.each([2, 4])('×%i: scale goes out as upscale_factor with the image; the one `image` of the result is the output, billed per megapixel', async (scale) => {
      const png = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#335577' } }).png().toBuffer();
      const image = `data:image/png;base64,${png.toString('base64')}`;
      const req = request('fal/clarity-upscaler', { inputImages: [image], parameters: { scale } });
      fake.pollsUntilDone = 0;
      const taskId = await submitted(req);
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe('/fal-ai/clarity-upscaler');
      expect(sent.json).toEqual({ prompt: 'a hummingbird in slow motion', image_url: image, upscale_factor: scale, creativity: 0.35, enable_safety_checker: true });
      const last = (await pollToEnd(taskId, req)).at(-1)!;
      if (last.status !== 'succeeded') throw new Error('not succeeded');
      expect(last.outputs).toEqual([{ type: 'url', url: fake.queued.get(taskId)!.files[0]!.url, contentType: 'image/png' }]);
      const file = fake.files.get(fake.queued.get(taskId)!.files[0]!.url.split('/').pop()!)!;
      const meta = await sharp(file.data).metadata();
      expect([meta.width, meta.height]).toEqual([24 * scale, 16 * scale]);
      // fal's billed units (output megapixels here) × $0.03.
      const units = (24 * scale * 16 * scale) / 1e6;
      expect(last.charge?.usd).toBeCloseTo(Math.round(units * 100) / 100 * 0.03, 6);
      // Status and result under the app id, which for this model is the model id itself.
      expect(fake.server.requests.filter((r) => r.method === 'GET').at(-1)!.path).toBe(`/fal-ai/clarity-upscaler/requests/${taskId}`);
    });

    it('needs its one image, and takes factors 1-4 only: refused before any call', async () => {
      expect((await caught(adapter.submit(request('fal/clarity-upscaler'), ctx))).code).toBe('INVALID_PARAMETERS');
      for (const parameters of [{ scale: 5 }, { scale: 0 }, { upscale_factor: 2 }]) {
        const err = await caught(Promise.resolve().then(() => adapter.submit({ ...request('fal/clarity-upscaler', { inputImages: ['https://img.example/a.png'] }), parameters }, ctx)));
        expect([JSON.stringify(parameters), err.code]).toEqual([JSON.stringify(parameters), 'INVALID_PARAMETERS']);
      }
      expect(fake.server.requests).toHaveLength(0);
    });

    it('prices ×2 and ×4 per megapixel of the output of a 1 MP input', () => {
      const clarity = falModels.find((m) => m.id === 'fal/clarity-upscaler')!;
      expect(clarity.price!({}, 1)).toBe(0.12);
      expect(clarity.price!({ scale: 4 }, 1)).toBe(0.48);
    });
  });

  it('walks IN_QUEUE → IN_PROGRESS (progress from the logs) → COMPLETED and reads the video from the response URL', async () => {
    const req = request('fal/pika-v2.2');
    const taskId = await submitted(req);
    const seen = await pollToEnd(taskId, req);
    expect(seen.slice(0, 2)).toEqual([{ status: 'pending' }, { status: 'running', progress: 0.67 }]);
    const last = seen.at(-1)!;
    if (last.status !== 'succeeded') throw new Error('not succeeded');
    expect(last.outputs).toEqual([{ type: 'url', url: fake.queued.get(taskId)!.files[0]!.url, contentType: 'video/mp4' }]);
    // Status and result are read under the app id, as fal's status_url and response_url are.
    expect(fake.server.requests.filter((r) => r.method === 'GET').map((r) => r.path.replace(taskId, ':id'))).toEqual([
      '/fal-ai/pika/requests/:id/status',
      '/fal-ai/pika/requests/:id/status',
      '/fal-ai/pika/requests/:id/status',
      '/fal-ai/pika/requests/:id',
    ]);
  });

  it('FLUX dev: numberOfOutputs becomes num_images and each image is an output', async () => {
    const req = request('fal/flux-dev', { numberOfOutputs: 3, parameters: { image_size: 'square_hd' } });
    const taskId = await submitted(req);
    expect(fake.server.requests.at(-1)!.json).toMatchObject({ num_images: 3, image_size: 'square_hd', num_inference_steps: 28 });
    fake.pollsUntilDone = 0;
    const done = await adapter.poll!(taskId, req, ctx);
    expect(done.status === 'succeeded' && done.outputs.map((o) => o.type === 'url' && o.contentType)).toEqual(['image/jpeg', 'image/jpeg', 'image/jpeg']);
  });

  it('refuses what the request cannot be before calling fal', async () => {
    expect((await caught(adapter.submit(request('fal/flux-schnell', { numberOfOutputs: 5 }), ctx))).code).toBe('INVALID_PARAMETERS');
    expect((await caught(adapter.submit(request('fal/flux-dev', { inputImages: ['https://img.example/a.png'] }), ctx))).code).toBe('INVALID_PARAMETERS');
    expect(fake.server.requests).toHaveLength(0);
  });

  it('cancel: PUT under the app id; the next status reports canceled', async () => {
    const req = request('fal/flux-schnell');
    const taskId = await submitted(req);
    await adapter.cancel!(taskId, ctx);
    expect(fake.server.requests.filter((r) => r.method === 'PUT').at(-1)!.path).toBe(`/fal-ai/flux/requests/${taskId}/cancel`);
    expect(fake.queued.get(taskId)!.canceled).toBe(true);
    expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'canceled' });
    // Cancelling a finished request (400 ALREADY_COMPLETED) is not an error: nothing is left to stop.
    fake.pollsUntilDone = 0;
    await expect(adapter.cancel!(taskId, ctx)).resolves.toBeUndefined();
  });

  describe('maps errors onto the taxonomy', () => {
    it('a wrong key → AUTHENTICATION_FAILED, without the key in the message', async () => {
      const err = await caught(adapter.submit(request('fal/flux-dev'), { ...ctx, apiKey: 'fal-wrong-secret' }));
      expect([err.code, err.retryable]).toEqual(['AUTHENTICATION_FAILED', false]);
      expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain('fal-wrong-secret');
    });

    it('an exhausted balance (403 User is locked) → QUOTA_EXCEEDED', async () => {
      fake.lockedUser = true;
      expect((await caught(adapter.submit(request('fal/flux-dev'), ctx))).code).toBe('QUOTA_EXCEEDED');
    });

    it('a 422 validation list → INVALID_PARAMETERS naming the field', async () => {
      fake.server.inject({ status: 422, json: { detail: [{ loc: ['body', 'duration'], msg: 'unexpected value; permitted: 5, 10', type: 'literal_error' }] } });
      const err = await caught(adapter.submit(request('fal/pika-v2.2'), ctx));
      expect(err.code).toBe('INVALID_PARAMETERS');
      expect(err.message).toContain('body.duration: unexpected value');
    });

    it('429 with Retry-After → RATE_LIMITED with the delay', async () => {
      fake.rateLimit(1, 3);
      const err = await caught(adapter.submit(request('fal/flux-dev'), ctx));
      expect([err.code, err.retryAfterMs]).toEqual(['RATE_LIMITED', 3000]);
    });

    it('a request refused by the content checker → CONTENT_REJECTED, final', async () => {
      fake.failWith = 'content_policy';
      fake.pollsUntilDone = 0;
      const req = request('fal/pika-v2.2');
      const err = await caught(adapter.poll!(await submitted(req), req, ctx));
      expect([err.code, err.retryable]).toEqual(['CONTENT_REJECTED', false]);
    });

    it('a request the app failed → PROVIDER_ERROR, final', async () => {
      fake.failWith = 'app_error';
      fake.pollsUntilDone = 0;
      const req = request('fal/flux-dev');
      const err = await caught(adapter.poll!(await submitted(req), req, ctx));
      expect([err.code, err.retryable, err.message]).toEqual(['PROVIDER_ERROR', false, 'fal: Internal error while generating']);
    });

    it('COMPLETED without an error field but a 500 at the response URL → PROVIDER_ERROR, not a retry of the finished request', async () => {
      fake.failWith = 'app_error_result_only';
      fake.pollsUntilDone = 0;
      const req = request('fal/flux-dev');
      const err = await caught(adapter.poll!(await submitted(req), req, ctx));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_ERROR', false]);
      expect(err.message).toContain('Internal error while generating');
    });
  });

  describe('webhooks', () => {
    function delivery(d: { headers: Record<string, string>; body: Buffer }): WebhookRequest {
      return { headers: d.headers, body: d.body };
    }

    it('submit asks for fal_webhook; the signed delivery (keys from the JWKS URL) is the result', async () => {
      const hooked = createFalAdapter({ dataDir: '/nonexistent', baseUrl: fake.url, fetch }, { jwksUrl: fake.jwksUrl, webhookUrl: `${receiver.url}/hooks/fal` });
      const req = request('fal/flux-dev', { numberOfOutputs: 2 });
      const result = await hooked.submit(req, ctx);
      if (result.status !== 'pending') throw new Error('expected a queued request');
      expect(fake.server.requests.at(-1)!.query.get('fal_webhook')).toBe(`${receiver.url}/hooks/fal`);
      await fake.complete(result.taskId);
      const received = receiver.requests.at(-1)!;
      const headers = Object.fromEntries(Object.entries(received.headers).map(([k, v]) => [k, String(v)]));
      const event = await hooked.parseWebhook!({ headers, body: received.body }, '');
      expect(event.taskId).toBe(result.taskId);
      expect(event.result.status === 'succeeded' && event.result.outputs).toHaveLength(2);
    });

    it('a failed request arrives as a failure with its taxonomy code', async () => {
      fake.failWith = 'content_policy';
      const taskId = await submitted(request('fal/pika-v2.2'));
      await fake.complete(taskId);
      const event = await adapter.parseWebhook!(delivery(fake.deliveries.at(-1)!), '');
      expect(event).toMatchObject({ taskId, result: { status: 'failed', error: { code: 'CONTENT_REJECTED' } } });
    });

    it('refuses a tampered body, a foreign key, a stale timestamp and missing headers', async () => {
      const taskId = await submitted(request('fal/flux-schnell'));
      await fake.complete(taskId);
      const good = fake.deliveries.at(-1)!;
      const now = Math.floor(Date.now() / 1000);
      const stranger = generateKeyPairSync('ed25519').privateKey;
      const cases: Array<[string, WebhookRequest]> = [
        ['tampered', { headers: good.headers, body: Buffer.from(good.body.toString().replace('"OK"', '"ERROR"')) }],
        ['foreign key', { headers: fake.signDelivery(taskId, good.body, now, stranger), body: good.body }],
        ['stale', { headers: fake.signDelivery(taskId, good.body, now - 6 * 60), body: good.body }],
        ['no headers', { headers: {}, body: good.body }],
      ];
      for (const [name, req] of cases) {
        const err = await caught(Promise.resolve().then(() => adapter.parseWebhook!(req, '')));
        expect([name, err.code]).toEqual([name, 'AUTHENTICATION_FAILED']);
      }
      // The genuine delivery still verifies, within the tolerance.
      expect((await adapter.parseWebhook!(delivery(good), '')).taskId).toBe(taskId);
    });
  });

  it('prices Pika by length and resolution and FLUX per megapixel', () => {
    const pika = falModels.find((m) => m.id === 'fal/pika-v2.2')!;
    expect(pika.price!({}, 1)).toBe(0.2);
    expect(pika.price!({ durationSeconds: 10, resolution: '1080p' }, 1)).toBe(0.9);
    const dev = falModels.find((m) => m.id === 'fal/flux-dev')!;
    expect(dev.price!({ image_size: 'square_hd' }, 2)).toBeCloseTo(0.0525);
  });

  describe('field names as fal documents them (providers/fal/wire-fields.ts)', () => {
    it.each([
      ['fal-ai/pika/v2.2/text-to-video', 'fal/pika-v2.2', { durationSeconds: 10, aspectRatio: '4:5', resolution: '1080p', negative_prompt: 'blur', seed: 3 }, []],
      ['fal-ai/pika/v2.2/image-to-video', 'fal/pika-v2.2', { aspectRatio: '9:16', negative_prompt: 'blur' }, ['https://img.example/first.png']],
      ['fal-ai/flux/dev', 'fal/flux-dev', { guidance_scale: 5, seed: 1, image_size: 'square_hd' }, []],
      ['fal-ai/flux/schnell', 'fal/flux-schnell', { num_inference_steps: 2, enable_safety_checker: false }, []],
      ['fal-ai/clarity-upscaler', 'fal/clarity-upscaler', { scale: 4, creativity: 0.5, negative_prompt: 'blur', enable_safety_checker: false }, [ONE_PIXEL_PNG]],
    ] as const)('%s (%s)', async (family, model, parameters, inputImages) => {
      const spec = falModels.find((m) => m.id === model)!;
      await submitted(request(model, { parameters, inputImages: [...inputImages], kind: spec.kinds[inputImages.length ? spec.kinds.length - 1 : 0]!, numberOfOutputs: 1 }));
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe(`/${family}`);
      await expectDocumentedFields(falWireFields, family, sent);
    });
  });
});
