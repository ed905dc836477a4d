import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolloFake } from '../fakes/pollo';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `pollo-e2e-${randomUUID()}`;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Pollo end to end: API → workflow → fake Pollo → storage', () => {
  const fake = new PolloFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.apiKeys = new Set([KEY]);
    fake.pollsUntilDone = 0;
    stack = await startStack({ env: { GENFLOW_POLLO_BASE_URL: fake.url, GENFLOW_POLLO_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('runs a 1080p portrait Veo 3 clip through Pollo and stores the MP4 it served', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'pollo/veo3',
      prompt: 'a lighthouse in a storm',
      parameters: { aspectRatio: '9:16', resolution: '1080p' },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const [video] = done.outputs;
    expect(video).toMatchObject({ contentType: 'video/mp4', durationSeconds: 8, width: 1080, height: 1920 });
    const [task] = [...fake.tasks.values()];
    expect(task!.input).toMatchObject({ length: 8, aspectRatio: '9:16', resolution: '1080p' });
    expect(video!.sha256).toBe(sha256(fake.files.get(task!.url.split('/').pop()!)!));
  });

  it('refuses a Veo 3 length other than 8 s, naming the allowed value', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'pollo/veo3', prompt: 'x', parameters: { durationSeconds: 5 } });
    expect(submit.status).toBe(422);
    expect(submit.body.error).toMatchObject({ code: 'UNSUPPORTED_CAPABILITY', details: { allowed: [8] } });
  });
});
