import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiekouFake } from '../fakes/jiekou';
import { pngImage } from '../fakes/media';
import { s3Server } from '../support/s3';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `jk-e2e-${randomUUID()}`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Jiekou AI end to end: API → workflow → Jiekou fake (Sora 2 task, polling) → storage', () => {
  const fake = new JiekouFake({ apiKeys: [KEY] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.pollsToFinish = 1;
    stack = await startStack({ env: { GENFLOW_JIEKOU_BASE_URL: fake.url, GENFLOW_JIEKOU_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('a 15 s portrait clip: duration and size sent as Jiekou names them, the MP4 stored with its length and frame', async () => {
    const before = fake.files.served.length;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'jiekou/sora-2',
      prompt: 'a lighthouse in a storm',
      parameters: { durationSeconds: 15, aspectRatio: '9:16' },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]).toMatchObject({ contentType: 'video/mp4', durationSeconds: 15, width: 480, height: 854 });
    expect(done.outputs.map((o) => o.sha256)).toEqual(fake.files.served.slice(before).map(sha256));
    const task = fake.tasks.get((await stack.repo.findById(done.id))!.provider_task_id!)!;
    expect(task.body).toMatchObject({ duration: 15, size: '720x1280' });
  });

  it('refuses at once what Jiekou cannot do: a 5 s clip (naming 10 and 15), an inline image on local storage', async () => {
    const short = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'jiekou/sora-2', prompt: 'x', parameters: { durationSeconds: 5 } });
    expect(short.status).toBe(422);
    expect(short.body.error).toMatchObject({ code: 'UNSUPPORTED_CAPABILITY', details: { parameter: 'durationSeconds', allowed: [10, 15] } });
    const png = await pngImage(64, 64);
    const inline = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'jiekou/sora-2', prompt: 'x', inputImages: [`data:image/png;base64,${png.toString('base64')}`] });
    expect(inline.status).toBe(422);
    const error = inline.body.error as { code: string; message: string };
    expect([error.code, error.message]).toEqual(['UNSUPPORTED_CAPABILITY', expect.stringContaining('GENFLOW_STORAGE=s3')]);
  });
});

describe.skipIf(!temporalAddress || !s3Server)('Jiekou AI end to end with S3 storage: the first frame reaches Jiekou as a presigned URL', () => {
  const fake = new JiekouFake({ apiKeys: [KEY] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.pollsToFinish = 1;
    stack = await startStack({ storage: 's3', env: { GENFLOW_JIEKOU_BASE_URL: fake.url, GENFLOW_JIEKOU_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('an uploaded JPEG is prepared as PNG in the bucket, and Jiekou downloads exactly that', async () => {
    const sharp = (await import('sharp')).default;
    const jpeg = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#2a9d8f' } }).jpeg().toBuffer();
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'jiekou/sora-2',
      prompt: 'the sea, moving',
      inputImages: [`data:image/jpeg;base64,${jpeg.toString('base64')}`],
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const task = fake.tasks.get((await stack.repo.findById(done.id))!.provider_task_id!)!;
    expect(String(task.body.image).startsWith(s3Server!.endpoint)).toBe(true);
    expect(task.input?.type).toBe('image/png');
    const prepared = await stack.storage.get(`inputs/${done.id}/0.png`);
    const chunks: Buffer[] = [];
    for await (const chunk of prepared!.stream) chunks.push(chunk as Buffer);
    expect(task.input?.bytes).toEqual(Buffer.concat(chunks));
    expect(done.outputs[0]).toMatchObject({ contentType: 'video/mp4', durationSeconds: 10, width: 854, height: 480 });
  });
});
