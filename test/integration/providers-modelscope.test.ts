import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enhancedBy } from '../fakes/chat-completions';
import { ModelScopeFake } from '../fakes/modelscope';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const TOKEN = `ms-e2e-${randomUUID()}`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('ModelScope end to end: API → workflow → ModelScope fake (async task, polling) → storage', () => {
  const fake = new ModelScopeFake({ tokens: [TOKEN] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({ env: { GENFLOW_MODELSCOPE_BASE_URL: fake.url, GENFLOW_MODELSCOPE_API_KEYS: TOKEN } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('qwen-image: the task is polled to SUCCEED and the image stored byte for byte', async () => {
    fake.pollsToFinish = 1;
    const before = fake.files.served.length;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'modelscope/qwen-image', prompt: '一只金色的猫', parameters: { size: '1328x1328' } });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs.map((o) => o.sha256)).toEqual(fake.files.served.slice(before).map(sha256));
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/jpeg', width: 83, height: 83 });
    const row = await stack.repo.findById(done.id);
    expect(fake.tasks.has(row?.provider_task_id ?? '')).toBe(true);
  });

  it('a moderated task fails the generation with CONTENT_REJECTED', async () => {
    fake.pollsToFinish = 1;
    fake.outcome = 'FAILED';
    fake.failure = 'Output image contains sensitive content';
    try {
      const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'modelscope/flux-1-krea-dev', prompt: 'something forbidden' });
      const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('CONTENT_REJECTED');
    } finally {
      fake.outcome = 'SUCCEED';
    }
  });

  it('text: the chat model answers at once (no task), its reply stored as text/plain', async () => {
    const tasks = fake.tasks.size;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'modelscope/qwen3-235b-instruct', prompt: '雨后的竹林' });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(await (await fetch(done.outputs[0]!.url)).text()).toBe(enhancedBy('Qwen/Qwen3-235B-A22B-Instruct-2507', '雨后的竹林'));
    expect(fake.tasks.size).toBe(tasks);
  });

  it('aspectRatio 9:16 on FLUX.1 Krea (largest side 1024) reaches ModelScope as size 576x1024, and the image has that shape', async () => {
    fake.pollsToFinish = 1;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'modelscope/flux-1-krea-dev', prompt: 'a tall tower', parameters: { aspectRatio: '9:16' } });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect([...fake.tasks.values()].at(-1)!.body.size).toBe('576x1024');
    expect(done.outputs[0]).toMatchObject({ width: 36, height: 64 });
  });
});
