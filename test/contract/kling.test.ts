import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createKlingAdapter, klingJwt, klingModels } from '../../providers/kling';
import type { CallContext, PollResult, ProviderAdapter } from '../../providers/types';
import { KlingFake } from '../fakes/kling';
import { caught, requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { klingWireFields, KLING_V1_ONLY_FIELDS } from '../../providers/kling/wire-fields';
import { z } from 'zod';

const KEY = 'kling-ak:kling-sk';

const request = requestFor(klingModels, 'a koi pond in the rain');

describe('Kling adapter against the local fake', () => {
  const fake = new KlingFake();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await fake.start();
    adapter = createKlingAdapter({ dataDir: '/nonexistent', baseUrl: fake.url, fetch }, { callbackUrl: 'https://genflow.example/hooks/kling' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.tasks.pollsUntilDone = 2;
    fake.tasks.failTasksWith = undefined;
    fake.accountCode = undefined;
    fake.server.requests.length = 0;
  });

  async function submitted(req: GenerationRequest): Promise<string> {
    const result = await adapter.submit(req, ctx);
    if (result.status !== 'pending') throw new Error('expected a task');
    return result.taskId;
  }
  const lastBody = () => fake.server.requests.at(-1)!.json as Record<string, unknown>;

  it('signs each call with a fresh HS256 JWT from the access and secret key (iss, nbf 5 s back, exp in 30 min)', async () => {
    await submitted(request('kling/kling-v2.5-turbo'));
    const token = fake.server.requests.at(-1)!.headers.authorization!.replace('Bearer ', '');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iss: string; exp: number; nbf: number };
    expect(claims.iss).toBe('kling-ak');
    expect(claims.exp - claims.nbf).toBe(1805);
    expect(token).not.toContain('kling-sk');
    expect(klingJwt('ak', 'sk', 1000)).toBe(klingJwt('ak', 'sk', 1000));
  });

  it('text-to-video: durationSeconds → duration "10", resolution 720p → mode std, aspectRatio → aspect_ratio', async () => {
    await submitted(request('kling/kling-v2.5-turbo', { parameters: { durationSeconds: 10, resolution: '720p', aspectRatio: '9:16', negative_prompt: 'blur' } }));
    expect(fake.server.requests.at(-1)!.path).toBe('/v1/videos/text2video');
    expect(lastBody()).toEqual({
      model_name: 'kling-v2-5-turbo',
      prompt: 'a koi pond in the rain',
      duration: '10',
      mode: 'std',
      aspect_ratio: '9:16',
      negative_prompt: 'blur',
      callback_url: 'https://genflow.example/hooks/kling',
    });
  });

  it('image-to-video: a data URL goes as bare base64, a URL as it is, and no aspect_ratio', async () => {
    await submitted(request('kling/kling-v2.1-master', { kind: 'image-to-video', inputImages: ['data:image/png;base64,iVBORw0KGgo='] }));
    expect(fake.server.requests.at(-1)!.path).toBe('/v1/videos/image2video');
    expect(lastBody()).toMatchObject({ model_name: 'kling-v2-1-master', image: 'iVBORw0KGgo=', mode: 'pro', duration: '5' });
    expect(lastBody()).not.toHaveProperty('aspect_ratio');
    await submitted(request('kling/kling-v2.1-master', { inputImages: ['https://img.example/frame.png'] }));
    expect(lastBody().image).toBe('https://img.example/frame.png');
  });

  it('walks submitted → processing → succeed and reads the video URL at <endpoint>/<task_id>', async () => {
    const req = request('kling/kling-v2.5-turbo');
    const taskId = await submitted(req);
    const seen: PollResult[] = [];
    for (let i = 0; i < 3; i++) seen.push(await adapter.poll!(taskId, req, ctx));
    expect(seen.slice(0, 2)).toEqual([{ status: 'pending' }, { status: 'running' }]);
    expect(seen[2]).toEqual({ status: 'succeeded', outputs: [{ type: 'url', url: fake.tasks.tasks.get(taskId)!.urls[0] }] });
    expect(fake.server.requests.at(-1)!.path).toBe(`/v1/videos/text2video/${taskId}`);
  });

  it('images: numberOfOutputs becomes n and every image is an output', async () => {
    const req = request('kling/kling-image-v2', { numberOfOutputs: 4, parameters: { aspect_ratio: '3:2' } });
    const taskId = await submitted(req);
    expect(lastBody()).toEqual({ model_name: 'kling-v2', prompt: 'a koi pond in the rain', aspect_ratio: '3:2', n: 4, callback_url: 'https://genflow.example/hooks/kling' });
    fake.tasks.pollsUntilDone = 0;
    const done = await adapter.poll!(taskId, req, ctx);
    expect(done.status === 'succeeded' && done.outputs).toHaveLength(4);
  });

  describe('maps failures onto the taxonomy', () => {
    it('a failed task: a risk-control message → CONTENT_REJECTED, anything else → PROVIDER_ERROR; both final', async () => {
      fake.tasks.pollsUntilDone = 0;
      for (const [message, code] of [
        ['Failure to pass the risk control system', 'CONTENT_REJECTED'],
        ['Video generation failed, please try again', 'PROVIDER_ERROR'],
      ] as const) {
        fake.tasks.failTasksWith = message;
        const req = request('kling/kling-v2.5-turbo');
        const err = await caught(adapter.poll!(await submitted(req), req, ctx));
        expect([err.code, err.retryable, err.message]).toEqual([code, false, `kling: ${message}`]);
      }
    });

    it('a wrong secret → AUTHENTICATION_FAILED (code 1002) with neither key in the message', async () => {
      const err = await caught(adapter.submit(request('kling/kling-v2.5-turbo'), { ...ctx, apiKey: 'kling-ak:wrong-secret' }));
      expect([err.code, err.retryable]).toEqual(['AUTHENTICATION_FAILED', false]);
      expect(JSON.stringify([err.message, err.details])).not.toMatch(/wrong-secret|kling-ak/);
    });

    it('a pool entry without the secret half is refused before any call', async () => {
      const err = await caught(adapter.submit(request('kling/kling-v2.5-turbo'), { ...ctx, apiKey: 'only-an-access-key' }));
      expect(err.code).toBe('AUTHENTICATION_FAILED');
      expect(err.message).not.toContain('only-an-access-key');
      expect(fake.server.requests).toHaveLength(0);
    });

    const codes: Array<[number, number, string, boolean]> = [
      [1102, 429, 'QUOTA_EXCEEDED', false],
      [1201, 400, 'INVALID_PARAMETERS', false],
      [1301, 400, 'CONTENT_REJECTED', false],
      [1303, 429, 'RATE_LIMITED', true],
      [5001, 503, 'PROVIDER_UNAVAILABLE', true],
    ];
    it.each(codes)('code %i (HTTP %i) → %s', async (code, status, expected, retryable) => {
      fake.server.inject({ status, json: { code, message: `kling says ${code}`, request_id: 'r1' } });
      const err = await caught(adapter.submit(request('kling/kling-v2.5-turbo'), ctx));
      expect([err.code, err.retryable]).toEqual([expected, retryable]);
      expect(err.message).toContain(`kling says ${code}`);
    });

    it('429 code 1302 with Retry-After → RATE_LIMITED with the delay', async () => {
      fake.rateLimit(1, 4);
      const err = await caught(adapter.submit(request('kling/kling-image-v2'), ctx));
      expect([err.code, err.retryAfterMs]).toEqual(['RATE_LIMITED', 4000]);
    });

    it('the account switch (resource pack used up) fails polls as QUOTA_EXCEEDED', async () => {
      const req = request('kling/kling-v2.5-turbo');
      const taskId = await submitted(req);
      fake.accountCode = 1102;
      expect((await caught(adapter.poll!(taskId, req, ctx))).code).toBe('QUOTA_EXCEEDED');
    });

    it('the fake validates like Kling: master refuses std mode', async () => {
      fake.server.requests.length = 0;
      const req = request('kling/kling-v2.1-master');
      const err = await caught(adapter.submit({ ...req, parameters: { ...req.parameters, resolution: '720p' } }, ctx));
      expect([err.code, err.message]).toEqual(['INVALID_PARAMETERS', 'kling: kling-v2-1-master supports pro mode only']);
    });
  });

  it('prices per clip length and mode', () => {
    const turbo = klingModels.find((m) => m.id === 'kling/kling-v2.5-turbo')!;
    expect(turbo.price!({ durationSeconds: 10, resolution: '1080p' }, 1)).toBe(0.7);
    expect(turbo.price!({ resolution: '720p' }, 1)).toBe(0.21);
    expect(klingModels.find((m) => m.id === 'kling/kling-image-v2')!.price!({}, 4)).toBe(0.056);
  });
  describe('field names as Kling documents them (providers/kling/wire-fields.ts)', () => {
    it.each([
      ['text2video', 'kling/kling-v2.5-turbo', { negative_prompt: 'blur', aspectRatio: '1:1' }, []],
      ['image2video', 'kling/kling-v2.1-master', { negative_prompt: 'blur' }, ['https://img.example/f.png']],
      ['images', 'kling/kling-image-v2', { aspect_ratio: '3:2', image_fidelity: 0.7 }, ['https://img.example/f.png']],
      ['images', 'kling/kling-image-v2', { negative_prompt: 'text' }, []],
    ] as const)('%s: %s', async (family, model, parameters, inputImages) => {
      await submitted(request(model, { parameters, inputImages: [...inputImages] }));
      await expectDocumentedFields(klingWireFields, family, fake.server.requests.at(-1)!);
    });

    it('v2.x video models neither offer nor send cfg_scale (the reference: not supported by Kling v2.x)', async () => {
      for (const model of klingModels.filter((m) => m.api === 'video')) {
        expect(model.modelName).toMatch(/^kling-v2/);
        const schema = z.toJSONSchema(model.parameters, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
        for (const field of KLING_V1_ONLY_FIELDS) expect(schema.properties, `${model.id} /v1/models`).not.toHaveProperty(field);
        const refused = model.parameters.safeParse({ cfg_scale: 0.5 });
        expect(refused.success).toBe(false);
        expect(JSON.stringify(refused.error?.issues)).toContain('cfg_scale');
        await submitted(request(model.id));
        expect(lastBody()).not.toHaveProperty('cfg_scale');
      }
    });
  });
});
