import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunwayFake } from '../fakes/runway';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `runway-e2e-${randomUUID()}`;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Runway end to end: API → workflow → fake Runway → storage', () => {
  const fake = new RunwayFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.apiKeys = new Set([KEY]);
    fake.pollsUntilDone = 0;
    stack = await startStack({ env: { GENFLOW_RUNWAY_BASE_URL: fake.url, GENFLOW_RUNWAY_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('runs a 9:16 Gen-4.5 clip and stores the MP4 Runway served, 720×1280 and 10 s long', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'runway/gen4.5',
      prompt: 'rain on a neon street',
      parameters: { durationSeconds: 10, aspectRatio: '9:16' },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const [video] = done.outputs;
    expect(video).toMatchObject({ contentType: 'video/mp4', durationSeconds: 10, width: 720, height: 1280 });
    const [task] = [...fake.tasks.values()];
    expect(task!.body).toMatchObject({ ratio: '720:1280', duration: 10 });
    expect(video!.sha256).toBe(sha256(fake.files.get(task!.url.split('/').pop()!)!));
  });

  it('fails with CONTENT_REJECTED when Runway fails the task at its safety check', async () => {
    fake.failTasksWith = { failureCode: 'SAFETY.INPUT.TEXT', failure: 'The prompt did not pass content moderation' };
    try {
      const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'runway/gen4.5', prompt: 'something forbidden' });
      const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('CONTENT_REJECTED');
    } finally {
      fake.failTasksWith = undefined;
    }
  });
});
