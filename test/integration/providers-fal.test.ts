import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FalFake } from '../fakes/fal';
import { pngImage } from '../fakes/media';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `fal-e2e-${randomUUID()}`;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('fal.ai end to end: API → workflow → fake fal queue → storage', () => {
  const fake = new FalFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.apiKeys = new Set([KEY]);
    // Done at the first status poll, which the workflow makes a few seconds after submit.
    fake.pollsUntilDone = 0;
    stack = await startStack({ env: { GENFLOW_FAL_BASE_URL: fake.url, GENFLOW_FAL_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('runs a 10 s 1080p Pika clip and stores the MP4 fal served, with its length and size', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'fal/pika-v2.2',
      prompt: 'a paper plane over a city',
      parameters: { durationSeconds: 10, resolution: '1080p', aspectRatio: '16:9' },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const [video] = done.outputs;
    expect(video).toMatchObject({ contentType: 'video/mp4', durationSeconds: 10, width: 1920, height: 1080 });
    const [queued] = [...fake.queued.values()];
    expect(queued!.input).toMatchObject({ duration: 10, resolution: '1080p', aspect_ratio: '16:9' });
    expect(video!.sha256).toBe(sha256(fake.files.get(queued!.files[0]!.url.split('/').pop()!)!.data));
  });

  it('Clarity Upscaler ×2 of an uploaded image: stored at twice the size, the cost settled from fal\'s billed megapixels', async () => {
    const png = await pngImage(500, 400);
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'fal/clarity-upscaler',
      prompt: 'a sharp photo of a harbour',
      inputImages: [`data:image/png;base64,${png.toString('base64')}`],
      parameters: { scale: 2 },
    });
    expect(submit.status).toBe(202);
    expect(submit.body.estimatedCost).toBe(0.12);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.kind).toBe('upscale');
    const queued = [...fake.queued.values()].find((q) => q.endpoint === 'fal-ai/clarity-upscaler')!;
    expect(queued.input).toMatchObject({ upscale_factor: 2, prompt: 'a sharp photo of a harbour' });
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 1000, height: 800, sha256: sha256(fake.files.get(queued.files[0]!.url.split('/').pop()!)!.data) });
    // Not the estimate (a 1 MP input): fal's billed units, 0.8 output megapixels, × $0.03.
    expect(done.cost).toBeCloseTo(0.024, 6);
  });

  it('refuses a length Pika cannot make, naming the allowed ones, before anything reaches fal', async () => {
    const before = fake.server.requests.length;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'fal/pika-v2.2', prompt: 'x', parameters: { durationSeconds: 8 } });
    expect(submit.status).toBe(422);
    expect(submit.body.error).toMatchObject({ code: 'UNSUPPORTED_CAPABILITY', details: { parameter: 'durationSeconds', allowed: [5, 10] } });
    expect(fake.server.requests.length).toBe(before);
  });

  it('fails with CONTENT_REJECTED when fal refuses the request', async () => {
    fake.failWith = 'content_policy';
    try {
      const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'fal/flux-schnell', prompt: 'something forbidden' });
      const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('CONTENT_REJECTED');
    } finally {
      fake.failWith = undefined;
    }
  });
});
