import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createRunwayAdapter, runwayModels } from '../../providers/runway';
import type { CallContext, PollResult, ProviderAdapter } from '../../providers/types';
import { RunwayFake } from '../fakes/runway';
import { caught, requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { runwayWireFields } from '../../providers/runway/wire-fields';

const KEY = 'runway-test-key';

const request = requestFor(runwayModels, 'a slow dolly shot through a greenhouse');

describe('Runway adapter against the local fake', () => {
  const fake = new RunwayFake();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await fake.start();
    adapter = createRunwayAdapter({ dataDir: '/nonexistent', baseUrl: fake.url, fetch });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.pollsUntilDone = 3;
    fake.failTasksWith = undefined;
    fake.outOfCredits = false;
    fake.server.requests.length = 0;
  });

  async function submitted(req: GenerationRequest): Promise<string> {
    const result = await adapter.submit(req, ctx);
    if (result.status !== 'pending') throw new Error('expected a task');
    return result.taskId;
  }

  it('image_to_video: ratio from the normalised aspectRatio, the version header and bearer key', async () => {
    await submitted(request('runway/gen4-turbo', { inputImages: ['https://img.example/still.jpg'], parameters: { durationSeconds: 10, aspectRatio: '9:16', seed: 4 } }));
    const sent = fake.server.requests.at(-1)!;
    expect([sent.path, sent.headers['x-runway-version'], sent.headers.authorization]).toEqual(['/v1/image_to_video', '2024-11-06', `Bearer ${KEY}`]);
    expect(sent.json).toEqual({ model: 'gen4_turbo', promptText: 'a slow dolly shot through a greenhouse', duration: 10, ratio: '720:1280', seed: 4, promptImage: 'https://img.example/still.jpg' });
  });

  it('text_to_video for Gen-4.5 without an image; Gen-4 Turbo refuses to run without one', async () => {
    await submitted(request('runway/gen4.5', { parameters: { aspectRatio: '21:9' } }));
    expect(fake.server.requests.at(-1)!.path).toBe('/v1/text_to_video');
    expect(fake.server.requests.at(-1)!.json).toEqual({ model: 'gen4.5', promptText: 'a slow dolly shot through a greenhouse', duration: 5, ratio: '1584:672' });
    const before = fake.server.requests.length;
    expect((await caught(adapter.submit(request('runway/gen4-turbo'), ctx))).code).toBe('INVALID_PARAMETERS');
    expect(fake.server.requests.length).toBe(before);
  });

  it('PENDING and THROTTLED are pending, RUNNING reports progress, SUCCEEDED hands over the output URL', async () => {
    const req = request('runway/gen4.5');
    const taskId = await submitted(req);
    const seen: PollResult[] = [];
    for (let i = 0; i < 4; i++) seen.push(await adapter.poll!(taskId, req, ctx));
    expect(seen).toEqual([
      { status: 'pending' },
      { status: 'pending' },
      { status: 'running', progress: 0.5 },
      { status: 'succeeded', outputs: [{ type: 'url', url: fake.tasks.get(taskId)!.url }] },
    ]);
  });

  it('cancel is DELETE /v1/tasks/{id}; the task then reads CANCELLED; a task already gone is fine', async () => {
    const req = request('runway/gen4.5');
    const taskId = await submitted(req);
    await adapter.cancel!(taskId, ctx);
    expect(fake.server.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/tasks/${taskId}` });
    expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'canceled' });
    await expect(adapter.cancel!('no-such-task', ctx)).resolves.toBeUndefined();
  });

  describe('maps failures onto the taxonomy', () => {
    const failures: Array<[string, string, string]> = [
      ['SAFETY.INPUT.TEXT', 'The prompt did not pass our content moderation', 'CONTENT_REJECTED'],
      ['INPUT_PREPROCESSING.SAFETY.IMAGE', 'The image was flagged', 'CONTENT_REJECTED'],
      ['ASSET.INVALID', 'The input image could not be read', 'INPUT_FETCH_FAILED'],
      ['INTERNAL.BAD_OUTPUT', 'An unexpected error occurred', 'PROVIDER_ERROR'],
    ];
    it.each(failures)('failureCode %s → %s', async (failureCode, failure, code) => {
      fake.failTasksWith = { failureCode, failure };
      fake.pollsUntilDone = 0;
      const req = request('runway/gen4.5');
      const err = await caught(adapter.poll!(await submitted(req), req, ctx));
      expect([err.code, err.retryable, err.message]).toEqual([code, false, `runway: ${failure}`]);
    });

    it('a wrong key → AUTHENTICATION_FAILED without the key', async () => {
      const err = await caught(adapter.submit(request('runway/gen4.5'), { ...ctx, apiKey: 'key_wrong-secret' }));
      expect(err.code).toBe('AUTHENTICATION_FAILED');
      expect(JSON.stringify([err.message, err.details])).not.toContain('wrong-secret');
    });

    it('not enough credits → QUOTA_EXCEEDED; a validation failure → INVALID_PARAMETERS', async () => {
      fake.outOfCredits = true;
      expect((await caught(adapter.submit(request('runway/gen4.5'), ctx))).code).toBe('QUOTA_EXCEEDED');
      fake.server.inject({ status: 400, json: { error: 'Validation of body failed', issues: [{ path: ['ratio'], message: 'Invalid enum value' }] } });
      const err = await caught(adapter.submit(request('runway/gen4.5'), ctx));
      expect([err.code, err.message]).toEqual(['INVALID_PARAMETERS', 'runway: Validation of body failed']);
    });

    it('429 with Retry-After → RATE_LIMITED with the delay; 503 → PROVIDER_UNAVAILABLE', async () => {
      fake.rateLimit(1, 2);
      const limited = await caught(adapter.submit(request('runway/gen4.5'), ctx));
      expect([limited.code, limited.retryAfterMs]).toEqual(['RATE_LIMITED', 2000]);
      fake.server.inject({ status: 503, json: { error: 'Service temporarily unavailable' } });
      expect((await caught(adapter.submit(request('runway/gen4.5'), ctx))).code).toBe('PROVIDER_UNAVAILABLE');
    });
  });

  it('prices by the second: Gen-4 Turbo 5 credits, Gen-4.5 12 credits, at $0.01', () => {
    expect(runwayModels.find((m) => m.id === 'runway/gen4-turbo')!.price!({ durationSeconds: 10 }, 1)).toBe(0.5);
    expect(runwayModels.find((m) => m.id === 'runway/gen4.5')!.price!({}, 1)).toBe(0.6);
  });

  describe('field names as Runway documents them (providers/runway/wire-fields.ts)', () => {
    it.each([
      ['image_to_video', 'runway/gen4-turbo', { durationSeconds: 10, aspectRatio: '21:9', resolution: '720p', seed: 42 }, ['https://img.example/first.png']],
      ['image_to_video', 'runway/gen4.5', { aspectRatio: '3:4' }, ['https://img.example/first.png']],
      ['text_to_video', 'runway/gen4.5', { durationSeconds: 5, aspectRatio: '9:16', resolution: '720p', seed: 1 }, []],
    ] as const)('%s: %s', async (family, model, parameters, inputImages) => {
      const spec = runwayModels.find((m) => m.id === model)!;
      await submitted(request(model, { parameters, inputImages: [...inputImages], kind: inputImages.length ? 'image-to-video' : spec.kinds[0]! }));
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toBe(`/v1/${family}`);
      // `resolution` (normalised, 720p only) has no Runway field: the table refuses it too.
      await expectDocumentedFields(runwayWireFields, family, sent);
    });
  });
});
