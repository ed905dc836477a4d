import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngImage } from '../fakes/media';
import { StabilityFake } from '../fakes/stability';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `sk-e2e-${randomUUID()}`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Stability AI end to end: API → workflow → Stability fake (multipart, image bytes) → storage', () => {
  const fake = new StabilityFake({ apiKeys: [KEY] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({ env: { GENFLOW_STABILITY_BASE_URL: fake.url, GENFLOW_STABILITY_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('Stable Image Core: the bytes Stability answered are the stored asset', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'stability/stable-image-core', prompt: 'a red fox', parameters: { aspect_ratio: '3:2', style_preset: 'photographic' } });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 48, height: 32, sha256: sha256(fake.served.at(-1)!) });
  });

  it('creative upscale of an uploaded image: submitted, polled at /v2beta/results, stored at 4x', async () => {
    fake.pollsToFinish = 1;
    const png = await pngImage(50, 40);
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'stability/upscale-creative',
      prompt: 'a sharp photo of a harbour',
      inputImages: [`data:image/png;base64,${png.toString('base64')}`],
      parameters: { output_format: 'jpeg' },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.kind).toBe('upscale');
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/jpeg', width: 200, height: 160, sha256: sha256(fake.served.at(-1)!) });
    // What Stability got is the prepared input (re-encoded without metadata), the same picture.
    const sent = fake.forms.at(-1)!.form.files[0]!;
    expect([sent.type, (await sharp(sent.bytes).metadata()).width, (await sharp(sent.bytes).metadata()).height]).toEqual(['image/png', 50, 40]);
  });

  it('an output filtered by moderation (finish-reason CONTENT_FILTERED) fails the generation with CONTENT_REJECTED', async () => {
    fake.filterOutputs = true;
    try {
      const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'stability/stable-image-ultra', prompt: 'a portrait' });
      const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('CONTENT_REJECTED');
    } finally {
      fake.filterOutputs = false;
    }
  });
});
