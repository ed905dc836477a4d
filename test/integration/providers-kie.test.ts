import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KieFake } from '../fakes/kie';
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
