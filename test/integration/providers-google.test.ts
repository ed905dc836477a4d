import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleFake } from '../fakes/google';
import { pngImage } from '../fakes/media';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Google (Gemini API) end to end: API → workflow → fake Gemini API → storage', () => {
  const fake = new GoogleFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.apiKeys = new Set(['AIza-e2e-key']);
    fake.pollsUntilDone = 0;
    stack = await startStack({ env: { GENFLOW_GOOGLE_BASE_URL: fake.url, GENFLOW_GOOGLE_API_KEY: 'AIza-e2e-key' } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('edits with a reference image on Gemini image and stores the returned bytes', async () => {
    const ref = await pngImage(24, 24, '#0000ff');
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'google/gemini-2.5-flash-image',
      prompt: 'make it a watercolour',
      inputImages: [`data:image/png;base64,${ref.toString('base64')}`],
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.kind).toBe('image-to-image');
    expect(done.outputs).toHaveLength(1);
    const served = fake.servedImages.at(-1)!;
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', sha256: sha256(served), width: 44, height: 30 });
    const stored = Buffer.from(await (await fetch(done.outputs[0]!.url)).arrayBuffer());
    expect(sha256(stored)).toBe(sha256(served));
  });

  it('runs a Veo operation to the end and stores the downloaded video', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'google/veo-3-fast', prompt: 'rain on a window' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const [op] = [...fake.operations.values()];
    expect(done.outputs[0]).toMatchObject({ contentType: 'video/mp4', durationSeconds: 8, width: 1280, height: 720 });
    expect(done.outputs[0]!.sha256).toBe(sha256(fake.files.get(op!.video)!));
  });
});
