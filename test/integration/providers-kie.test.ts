import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { KieFake } from '../fakes/kie';
import { pngImage } from '../fakes/media';
import { s3Server } from '../support/s3';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `kie-e2e-${randomUUID()}`;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Kie.ai end to end: API → workflow → fake Kie → storage', () => {
  const fake = new KieFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.apiKeys = new Set([KEY]);
    // One poll: the workflow's first poll comes a few seconds after submit.
    fake.pollsUntilDone = 0;
    stack = await startStack({ env: { GENFLOW_KIE_BASE_URL: fake.url, GENFLOW_KIE_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  async function storedBytes(url: string): Promise<Buffer> {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  }

  it('runs a 4o image generation with two variants and stores the bytes Kie served', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'kie/4o-image',
      prompt: 'a paper boat on a pond',
      parameters: { size: '2:3' },
      numberOfOutputs: 2,
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(2);

    const [task] = [...fake.tasks.values()].filter((t) => t.api === 'gpt4o-image');
    expect(task?.body).toMatchObject({ prompt: 'a paper boat on a pond', size: '2:3', nVariants: 2 });
    for (const [i, output] of done.outputs.entries()) {
      const served = fake.files.get(task!.urls[i]!.split('/').pop()!)!.data;
      expect(output.sha256).toBe(sha256(served));
      expect(sha256(await storedBytes(output.url))).toBe(sha256(served));
      expect(output.contentType).toBe('image/png');
    }
  });

  it('runs a Veo video job and stores the MP4 with its duration and size', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/veo3-fast', prompt: 'waves at night' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const [video] = done.outputs;
    expect(video).toMatchObject({ contentType: 'video/mp4', durationSeconds: 8, width: 320, height: 180 });
    const task = [...fake.tasks.values()].find((t) => t.api === 'veo')!;
    expect(video!.sha256).toBe(sha256(fake.files.get(task.urls[0]!.split('/').pop()!)!.data));
  });

  it('extends a finished Veo video by its Kie task id: a second generation whose clip Kie made from the first', async () => {
    const first = await waitForGeneration(stack.baseUrl, (await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/veo3-fast', prompt: 'a kite over the dunes' })).body.id as string);
    expect(first.status).toBe('succeeded');
    const source = (await stack.repo.findById(first.id))!.provider_task_id!;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'kie/veo3.1-extend',
      prompt: 'the kite string snaps and it drifts out to sea',
      parameters: { taskId: source },
    });
    expect(submit.status).toBe(202);
    expect(submit.body.estimatedCost).toBe(0.3);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const extension = fake.tasks.get((await stack.repo.findById(done.id))!.provider_task_id!)!;
    expect(extension.body).toMatchObject({ taskId: source, prompt: 'the kite string snaps and it drifts out to sea', model: 'fast' });
    expect(done.outputs[0]).toMatchObject({ contentType: 'video/mp4', sha256: sha256(fake.files.get(extension.urls[0]!.split('/').pop()!)!.data) });
    // A source Kie does not know fails as the provider's refusal of the parameters, not as an outage.
    const unknown = await waitForGeneration(
      stack.baseUrl,
      (await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/veo3.1-extend', prompt: 'more', parameters: { taskId: 'veo_nope' } })).body.id as string,
    );
    expect([unknown.status, unknown.error?.code]).toEqual(['failed', 'INVALID_PARAMETERS']);
  });

  it('removes the watermark of a Sora video given by its link, and refuses a link that is not Sora\'s', async () => {
    const refused = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/sora-watermark-remover', prompt: '-', parameters: { video_url: 'https://example.com/a.mp4' } });
    expect(refused.status).toBe(400);
    expect((refused.body.error as { code: string }).code).toBe('INVALID_PARAMETERS');
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/sora-watermark-remover', prompt: '-', parameters: { video_url: 'https://sora.chatgpt.com/p/s_abc' } });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]?.contentType).toBe('video/mp4');
    const task = fake.tasks.get((await stack.repo.findById(done.id))!.provider_task_id!)!;
    expect(task.body).toEqual({ model: 'sora-watermark-remover', input: { video_url: 'https://sora.chatgpt.com/p/s_abc' } });
  });

  it('fails with CONTENT_REJECTED when Kie reports a moderated task', async () => {
    fake.failTasksWith = { code: 400, message: 'Your prompt was flagged by Website as violating content policies' };
    try {
      const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/nano-banana', prompt: 'something forbidden' });
      const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('CONTENT_REJECTED');
    } finally {
      fake.failTasksWith = undefined;
    }
  });
});

describe.skipIf(!temporalAddress || !s3Server)('Kie.ai end to end with S3 storage: Kie downloads the prepared image', () => {
  const fake = new KieFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.apiKeys = new Set([KEY]);
    fake.pollsUntilDone = 0;
    fake.downloadInputs = true;
    stack = await startStack({ storage: 's3', env: { GENFLOW_KIE_BASE_URL: fake.url, GENFLOW_KIE_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('an image upscaled ×4 comes back four times as wide and high', async () => {
    const png = await pngImage(64, 48);
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'kie/nano-banana-upscale',
      prompt: 'upscale',
      inputImages: [`data:image/png;base64,${png.toString('base64')}`],
      parameters: { scale: 4 },
    });
    expect(submit.status).toBe(202);
    expect(submit.body.kind).toBe('upscale');
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 256, height: 192 });
    const task = [...fake.tasks.values()].find((t) => t.body.model === 'nano-banana-upscale')!;
    expect(String((task.body.input as { image: string }).image).startsWith(s3Server!.endpoint)).toBe(true);
    const stored = Buffer.from(await (await fetch(done.outputs[0]!.url)).arrayBuffer());
    expect((await sharp(stored).metadata()).width).toBe(256);
  });

  it('Flux Kontext edits get their image prepared with flux-optimized: up to 2048 px, format kept', async () => {
    const big = await sharp({ create: { width: 3000, height: 1500, channels: 3, background: '#e76f51' } }).png().toBuffer();
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'kie/flux-kontext-pro',
      prompt: 'make it night',
      inputImages: [`data:image/png;base64,${big.toString('base64')}`],
    });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const task = [...fake.tasks.values()].find((t) => t.api === 'flux-kontext')!;
    // What Kie downloads: the standard preset would have made it 1024×512.
    const sent = Buffer.from(await (await fetch(String(task.body.inputImage))).arrayBuffer());
    const meta = await sharp(sent).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 2048, 1024]);
  });
});
