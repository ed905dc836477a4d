import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createPolloAdapter, polloModels } from '../../providers/pollo';
import type { CallContext, PollResult, ProviderAdapter, WebhookRequest } from '../../providers/types';
import { FakeServer } from '../fakes/fake-server';
import { PolloFake } from '../fakes/pollo';
import { caught, requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { polloWireFields } from '../../providers/pollo/wire-fields';
import { signPolloWebhook } from '../../providers/pollo';

const KEY = 'pollo-test-key';

const request = requestFor(polloModels, 'a fox running through snow');

describe('Pollo adapter against the local fake', () => {
  const fake = new PolloFake();
  const receiver = new FakeServer();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await Promise.all([fake.start(), receiver.start()]);
    receiver.route('POST', '/hooks/pollo', () => ({ status: 200 }));
    adapter = createPolloAdapter({ dataDir: '/nonexistent', baseUrl: fake.url, fetch }, { webhookUrl: `${receiver.url}/hooks/pollo` });
  });
  afterAll(() => Promise.all([fake.stop(), receiver.stop()]));
  beforeEach(() => {
    fake.pollsUntilDone = 2;
    fake.failWith = undefined;
    fake.outOfCredits = false;
    fake.server.requests.length = 0;
  });

  async function submitted(req: GenerationRequest): Promise<string> {
    const result = await adapter.submit(req, ctx);
    if (result.status !== 'pending') throw new Error('expected a task');
    return result.taskId;
  }

  it('Veo 3: normalised parameters become Pollo input names, with x-api-key and the webhookUrl', async () => {
    await submitted(request('pollo/veo3', { parameters: { aspectRatio: '9:16', resolution: '1080p', seed: 3 } }));
    const sent = fake.server.requests.at(-1)!;
    expect([sent.path, sent.headers['x-api-key']]).toEqual(['/generation/google/veo3', KEY]);
    expect(sent.json).toEqual({
      input: { prompt: 'a fox running through snow', length: 8, aspectRatio: '9:16', resolution: '1080p', generateAudio: true, seed: 3 },
      webhookUrl: `${receiver.url}/hooks/pollo`,
    });
  });

  it('Kling 2.1 animates an image URL and refuses to run without one', async () => {
    await submitted(request('pollo/kling-v2.1', { inputImages: ['https://img.example/frame.png'], parameters: { durationSeconds: 10 } }));
    expect(fake.server.requests.at(-1)!.json).toMatchObject({ input: { image: 'https://img.example/frame.png', length: 10, strength: 50 } });
    const before = fake.server.requests.length;
    expect((await caught(adapter.submit(request('pollo/kling-v2.1'), ctx))).code).toBe('INVALID_PARAMETERS');
    expect((await caught(adapter.submit(request('pollo/kling-v2.1', { inputImages: ['data:image/png;base64,AAAA'] }), ctx))).code).toBe('INVALID_PARAMETERS');
    expect(fake.server.requests.length).toBe(before);
  });

  it('walks waiting → processing → succeed at /generation/{id}/status', async () => {
    const req = request('pollo/veo3');
    const taskId = await submitted(req);
    const seen: PollResult[] = [];
    for (let i = 0; i < 3; i++) seen.push(await adapter.poll!(taskId, req, ctx));
    expect(seen).toEqual([{ status: 'pending' }, { status: 'running' }, { status: 'succeeded', outputs: [{ type: 'url', url: fake.tasks.get(taskId)!.url }] }]);
    expect(fake.server.requests.at(-1)!.path).toBe(`/generation/${taskId}/status`);
  });

  it('a signed webhook delivery is the task result; forged, stale or unsigned ones are refused', async () => {
    const taskId = await submitted(request('pollo/veo3'));
    const delivery = await fake.complete(taskId);
    const received = receiver.requests.at(-1)!;
    expect(received.body.equals(delivery.body)).toBe(true);
    const event = await adapter.parseWebhook!({ headers: delivery.headers, body: delivery.body }, fake.webhookSecret);
    expect(event).toEqual({ taskId, result: { status: 'succeeded', outputs: [{ type: 'url', url: fake.tasks.get(taskId)!.url }] } });
    const cases: Array<[string, WebhookRequest, string]> = [
      ['tampered', { headers: delivery.headers, body: Buffer.from(delivery.body.toString().replace('succeed', 'failed')) }, fake.webhookSecret],
      ['wrong secret', delivery, 'another-secret'],
      ['stale', { headers: { ...delivery.headers, 'x-webhook-timestamp': String(Math.floor(Date.now() / 1000) - 600) }, body: delivery.body }, fake.webhookSecret],
      ['unsigned', { headers: {}, body: delivery.body }, fake.webhookSecret],
    ];
    for (const [name, req, secret] of cases) {
      const err = await caught(Promise.resolve().then(() => adapter.parseWebhook!(req, secret)));
      expect([name, err.code]).toEqual([name, 'AUTHENTICATION_FAILED']);
    }
  });

  it('the minimal delivery the webhook page documents ({ taskId, status }) verifies and names its task', async () => {
    const body = Buffer.from(JSON.stringify({ taskId: 'task-123', status: 'succeed' }));
    const [id, timestamp] = ['wh_1', String(Math.floor(Date.now() / 1000))];
    const headers = { 'x-webhook-id': id, 'x-webhook-timestamp': timestamp, 'x-webhook-signature': signPolloWebhook(fake.webhookSecret, id, timestamp, body) };
    const event = await adapter.parseWebhook!({ headers, body }, fake.webhookSecret);
    // Only the task id drives anything (the workflow polls at once); the poll is the source of truth.
    expect(event.taskId).toBe('task-123');
  });

  describe('request bodies carry only the fields Pollo documents (providers/pollo/wire-fields.ts)', () => {
    it.each([
      ['google/veo3', 'pollo/veo3', { negativePrompt: 'blur', generateAudio: false }, []],
      ['google/veo3', 'pollo/veo3', {}, ['https://img.example/first.png']],
      ['kling-ai/kling-v2-1', 'pollo/kling-v2.1', { negativePrompt: 'blur', durationSeconds: 10 }, ['https://img.example/frame.png']],
    ] as const)('%s (%s)', async (family, model, parameters, images) => {
      await submitted(request(model, { parameters, inputImages: [...images], ...(images.length ? { kind: 'image-to-video' } : {}) }));
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe(`/generation/${family}`);
      await expectDocumentedFields(polloWireFields, family, sent);
    });
  });

  describe('maps failures onto the taxonomy', () => {
    it('a failed generation: a moderation message → CONTENT_REJECTED, else PROVIDER_ERROR; final', async () => {
      fake.pollsUntilDone = 0;
      for (const [message, code] of [
        ['The prompt contains sensitive content', 'CONTENT_REJECTED'],
        ['Generation failed, credits refunded', 'PROVIDER_ERROR'],
      ] as const) {
        fake.failWith = message;
        const req = request('pollo/veo3');
        const err = await caught(adapter.poll!(await submitted(req), req, ctx));
        expect([err.code, err.retryable, err.message]).toEqual([code, false, `pollo: ${message}`]);
      }
    });

    it('a wrong key → AUTHENTICATION_FAILED without the key; no credits → QUOTA_EXCEEDED', async () => {
      const err = await caught(adapter.submit(request('pollo/veo3'), { ...ctx, apiKey: 'pollo-wrong-secret' }));
      expect(err.code).toBe('AUTHENTICATION_FAILED');
      expect(JSON.stringify([err.message, err.details])).not.toContain('pollo-wrong-secret');
      fake.outOfCredits = true;
      expect((await caught(adapter.submit(request('pollo/veo3'), ctx))).code).toBe('QUOTA_EXCEEDED');
    });

    it('a body Pollo refuses → INVALID_PARAMETERS with its message; 429 → RATE_LIMITED with Retry-After', async () => {
      fake.server.inject({ status: 400, json: { code: 'BAD_REQUEST', message: 'input.aspectRatio must be 16:9 or 9:16' } });
      const bad = await caught(adapter.submit(request('pollo/veo3'), ctx));
      expect([bad.code, bad.message]).toEqual(['INVALID_PARAMETERS', 'pollo: input.aspectRatio must be 16:9 or 9:16']);
      fake.rateLimit(1, 6);
      const limited = await caught(adapter.submit(request('pollo/veo3'), ctx));
      expect([limited.code, limited.retryAfterMs]).toEqual(['RATE_LIMITED', 6000]);
    });
  });
});
