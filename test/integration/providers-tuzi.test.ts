import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TuziFake } from '../fakes/tuzi';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `sk-tuzi-e2e-${randomUUID()}`;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('TuZi end to end: API → workflow → fake TuZi → storage', () => {
  const fake = new TuziFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.apiKeys = new Set([KEY]);
    fake.mjPollsUntilDone = 0;
    stack = await startStack({ env: { GENFLOW_TUZI_BASE_URL: fake.url, GENFLOW_TUZI_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('runs a Midjourney imagine job through mj-proxy and stores the grid TuZi served', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'tuzi/midjourney', prompt: 'a tea house in the mountains', parameters: { aspectRatio: '3:2' } });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const [task] = [...fake.mj.values()];
    expect(task!.body.prompt).toBe('a tea house in the mountains --ar 3:2');
    expect(done.outputs).toHaveLength(1);
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 128, height: 128 });
    expect(done.outputs[0]!.sha256).toBe(sha256(fake.files.get(task!.url.split('/').pop()!)!));
  });

  it('runs GPT Image through the OpenAI-style endpoint synchronously and stores both images', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'tuzi/gpt-image-1', prompt: 'two paper cranes', numberOfOutputs: 2 });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs.map((o) => [o.contentType, o.width])).toEqual([
      ['image/png', 32],
      ['image/png', 40],
    ]);
  });
});
