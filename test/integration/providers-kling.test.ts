import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KlingFake } from '../fakes/kling';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// An access key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const ACCESS = `kling-e2e-${randomUUID()}`;
const SECRET = 'kling-e2e-secret';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Kling end to end: API → workflow → fake Kling → storage', () => {
  const fake = new KlingFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.keys = new Map([[ACCESS, SECRET]]);
    // Done at the first poll, which the workflow makes a few seconds after submit.
    fake.tasks.pollsUntilDone = 0;
    stack = await startStack({ env: { GENFLOW_KLING_BASE_URL: fake.url, GENFLOW_KLING_API_KEYS: `${ACCESS}:${SECRET}` } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('runs a 10 s 720p Kling 2.5 Turbo clip (JWT-signed calls) and stores the MP4 Kling served', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'kling/kling-v2.5-turbo',
      prompt: 'a red kite over a beach',
      parameters: { durationSeconds: 10, resolution: '720p' },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const [video] = done.outputs;
    expect(video).toMatchObject({ contentType: 'video/mp4', durationSeconds: 10, width: 1280, height: 720 });
    const [task] = [...fake.tasks.tasks.values()];
    expect(task!.body).toMatchObject({ model_name: 'kling-v2-5-turbo', duration: '10', mode: 'std' });
    expect(video!.sha256).toBe(sha256(fake.tasks.files.get(task!.urls[0]!.split('/').pop()!)!.data));
  });

  it('refuses 720p for Kling 2.1 Master, which renders 1080p only, naming what it allows', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kling/kling-v2.1-master', prompt: 'x', parameters: { resolution: '720p' } });
    expect(submit.status).toBe(422);
    expect(submit.body.error).toMatchObject({ code: 'UNSUPPORTED_CAPABILITY', details: { parameter: 'resolution', allowed: ['1080p'] } });
  });

  it('fails with CONTENT_REJECTED when Kling fails the task at its risk control', async () => {
    fake.tasks.failTasksWith = 'Failure to pass the risk control system';
    try {
      const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kling/kling-image-v2', prompt: 'a quiet street' });
      const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('CONTENT_REJECTED');
    } finally {
      fake.tasks.failTasksWith = undefined;
    }
  });
});
