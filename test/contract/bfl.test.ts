import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { bflModels, createBflAdapter } from '../../providers/bfl';
import type { CallContext, PollResult, ProviderAdapter } from '../../providers/types';
import { BflFake, type BflOutcome } from '../fakes/bfl';
import { sampleImage } from '../fakes/sample-image';
import { providerFailure } from '../support/provider-failure';
import { requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { bflWireFields } from '../../providers/bfl/wire-fields';

const KEY = 'bfl-contract-key-0001';

const request = requestFor(bflModels, 'a fox in a snowy forest');

describe('BFL adapter against the BFL fake', () => {
  const fake = new BflFake({ apiKeys: [KEY, 'bfl-limited', 'bfl-broke'] });
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await fake.start();
    adapter = createBflAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.requests.length = 0;
    fake.failing = false;
    fake.outcome = 'Ready';
    fake.pollsToFinish = 2;
    fake.pollingBase = undefined;
  });

  async function submitTask(req: GenerationRequest): Promise<string> {
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    return submitted.taskId;
  }

  it('submits flux-pro-1.1 with x-key and exactly the documented body, then polls the polling_url to the sample', async () => {
    const req = request('bfl/flux-pro-1.1', { parameters: { width: 1440, height: 800, seed: 3, output_format: 'png' } });
    const taskId = await submitTask(req);
    const sent = fake.server.requests.at(-1)!;
    expect([sent.method, sent.path, sent.headers['x-key']]).toEqual(['POST', '/v1/flux-pro-1.1', KEY]);
    expect(sent.json).toEqual({
      prompt: 'a fox in a snowy forest',
      width: 1440,
      height: 800,
      output_format: 'png',
      seed: 3,
      prompt_upsampling: false,
      safety_tolerance: 2,
    });
    expect(taskId).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/get_result\?id=/);

    expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'running', progress: 0.5 });
    expect(fake.server.requests.at(-1)!.headers['x-key']).toBe(KEY);
    const done = await adapter.poll!(taskId, req, ctx);
    if (done.status !== 'succeeded' || done.outputs[0]?.type !== 'url') throw new Error('expected a sample URL');
    const bytes = Buffer.from(await (await fetch(done.outputs[0].url)).arrayBuffer());
    expect(bytes).toEqual(fake.servedFiles.at(-1));
  });

  it('sends Kontext input images as input_image, input_image_2 (URLs as is, data URLs as bare base64)', async () => {
    const png = await sampleImage('png', 32, 32, 5);
    const req = request('bfl/flux-kontext-pro', {
      kind: 'image-to-image',
      inputImages: ['https://example.com/a.jpg', `data:image/png;base64,${png.toString('base64')}`],
      parameters: { aspect_ratio: '21:9' },
    });
    await submitTask(req);
    expect(fake.server.requests.at(-1)!.json).toEqual({
      prompt: 'a fox in a snowy forest',
      aspect_ratio: '21:9',
      output_format: 'png',
      prompt_upsampling: false,
      safety_tolerance: 2,
      input_image: 'https://example.com/a.jpg',
      input_image_2: png.toString('base64'),
    });
  });

  it('maps every result status', async () => {
    const cases: Array<[BflOutcome, string]> = [
      ['Content Moderated', 'CONTENT_REJECTED'],
      ['Request Moderated', 'CONTENT_REJECTED'],
      ['Error', 'PROVIDER_ERROR'],
    ];
    fake.pollsToFinish = 1;
    for (const [outcome, code] of cases) {
      fake.outcome = outcome;
      const req = request('bfl/flux-dev');
      const err = await providerFailure(adapter.poll!(await submitTask(req), req, ctx));
      expect([outcome, err.code, err.retryable]).toEqual([outcome, code, false]);
    }
    const lost = await providerFailure(adapter.poll!(`${fake.url}/v1/get_result?id=gone`, request('bfl/flux-dev'), ctx));
    expect([lost.code, lost.message]).toEqual(['PROVIDER_ERROR', expect.stringContaining('not found')]);
    // A bare task id (no polling URL) is polled at the base URL's get_result.
    fake.outcome = 'Ready';
    const req = request('bfl/flux-dev');
    const url = await submitTask(req);
    const bare = new URL(url).searchParams.get('id')!;
    expect((await adapter.poll!(bare, req, ctx)).status).toBe('succeeded');
  });

  it('refuses to send the key to a polling URL on a foreign host', async () => {
    fake.pollingBase = 'https://evil.example.com';
    const err = await providerFailure(adapter.submit(request('bfl/flux-pro-1.1'), ctx));
    expect(err.code).toBe('PROVIDER_ERROR');
    const poll = await providerFailure(adapter.poll!('http://10.0.0.1/v1/get_result?id=x', request('bfl/flux-pro-1.1'), ctx));
    expect(poll.message).toContain('unexpected host');
    expect(fake.server.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
  });

  it('refuses more than one output before calling BFL (one image per task)', async () => {
    const err = await providerFailure(adapter.submit(request('bfl/flux-pro-1.1', { numberOfOutputs: 2 }), ctx));
    expect(err.code).toBe('INVALID_PARAMETERS');
    expect(fake.server.requests).toHaveLength(0);
  });

  describe('errors map onto the taxonomy', () => {
    it('403 Not authenticated / invalid key is AUTHENTICATION_FAILED', async () => {
      const err = await providerFailure(adapter.submit(request('bfl/flux-pro-1.1'), { ...ctx, apiKey: 'bfl-wrong' }));
      expect([err.code, err.retryable]).toEqual(['AUTHENTICATION_FAILED', false]);
      const missing = await providerFailure(adapter.submit(request('bfl/flux-pro-1.1'), { generationId: 'g', attempt: 1 }));
      expect(missing.code).toBe('AUTHENTICATION_FAILED');
    });

    it('402 is QUOTA_EXCEEDED; 429 is RATE_LIMITED with Retry-After', async () => {
      fake.keysWithoutCredits.add('bfl-broke');
      fake.rateLimitedKeys.set('bfl-limited', 12);
      expect((await providerFailure(adapter.submit(request('bfl/flux-pro-1.1'), { ...ctx, apiKey: 'bfl-broke' }))).code).toBe('QUOTA_EXCEEDED');
      const limited = await providerFailure(adapter.submit(request('bfl/flux-pro-1.1'), { ...ctx, apiKey: 'bfl-limited' }));
      expect([limited.code, limited.retryAfterMs]).toEqual(['RATE_LIMITED', 12_000]);
    });

    it("422 validation is INVALID_PARAMETERS, with the fake's pydantic body", async () => {
      const res = await fetch(`${fake.url}/v1/flux-pro-1.1`, {
        method: 'POST',
        headers: { 'x-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x', width: 2000, height: 250, guidance: 3 }),
      });
      const body = (await res.json()) as { detail: Array<{ loc: string[]; type: string }> };
      expect(res.status).toBe(422);
      expect(body.detail.map((d) => [d.loc[1], d.type])).toEqual([
        ['width', 'less_than_equal'],
        ['height', 'greater_than_equal'],
        ['guidance', 'extra_forbidden'],
      ]);
      fake.server.inject({ status: 422, json: body });
      const err = await providerFailure(adapter.submit(request('bfl/flux-pro-1.1'), ctx));
      expect(err.code).toBe('INVALID_PARAMETERS');
    });

    it('500 is a retryable PROVIDER_UNAVAILABLE, 504 PROVIDER_TIMEOUT', async () => {
      fake.failing = true;
      const down = await providerFailure(adapter.submit(request('bfl/flux-pro-1.1'), ctx));
      expect([down.code, down.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
      fake.failing = false;
      fake.server.inject({ status: 504, body: 'gateway timeout' });
      const slow = await providerFailure(adapter.poll!(`${fake.url}/v1/get_result?id=x`, request('bfl/flux-pro-1.1'), ctx));
      expect([slow.code, slow.retryable]).toEqual(['PROVIDER_TIMEOUT', true]);
    });
  });

  it('keeps pending results pending without progress when BFL gives none', async () => {
    fake.server.inject({ json: { id: 'x', status: 'Pending', result: null, progress: null, details: null } });
    const result: PollResult = await adapter.poll!(`${fake.url}/v1/get_result?id=x`, request('bfl/flux-pro-1.1'), ctx);
    expect(result).toEqual({ status: 'pending' });
  });

  describe('field names as BFL documents them (providers/bfl/wire-fields.ts)', () => {
    it.each([
      ['flux-pro-1.1', 'bfl/flux-pro-1.1', { seed: 1, prompt_upsampling: true }, 1],
      ['flux-dev', 'bfl/flux-dev', { steps: 20, guidance: 4 }, 1],
      ['flux-pro-1.1-ultra', 'bfl/flux-pro-1.1-ultra', { raw: true, image_prompt_strength: 0.3, aspect_ratio: '21:9' }, 1],
      ['flux-kontext', 'bfl/flux-kontext-pro', { aspect_ratio: '3:4' }, 0],
      ['flux-kontext', 'bfl/flux-kontext-max', { safety_tolerance: 1 }, 4],
    ] as const)('%s: %s', async (family, model, parameters, images) => {
      const inputImages = await Promise.all(Array.from({ length: images }, async (_, i) => `data:image/png;base64,${(await sampleImage('png', 32, 32, i)).toString('base64')}`));
      await submitTask(request(model, { parameters, inputImages, ...(images ? { kind: 'image-to-image' as const } : {}) }));
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe(`/v1/${model.slice('bfl/'.length)}`);
      await expectDocumentedFields(bflWireFields, family, sent);
    });
  });
});
