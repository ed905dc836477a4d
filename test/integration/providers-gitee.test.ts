import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GiteeFake } from '../fakes/gitee';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const TOKEN = `gitee-e2e-${randomUUID()}`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Gitee AI end to end: API → workflow → Gitee fake (images sync, Wan video task) → storage', () => {
  const fake = new GiteeFake({ tokens: [TOKEN] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({ env: { GENFLOW_GITEE_BASE_URL: fake.url, GENFLOW_GITEE_API_KEYS: TOKEN } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('z-image-turbo: two images answered inline are stored byte for byte', async () => {
    const before = fake.servedImages.length;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'gitee/z-image-turbo', prompt: '雪中的红狐狸', numberOfOutputs: 2, parameters: { size: '768x1024' } });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs.map((o) => o.sha256)).toEqual(fake.servedImages.slice(before).map(sha256));
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 48, height: 64 });
  });

  it('Wan text-to-video: the task is polled to success and the 5 s MP4 stored', async () => {
    fake.pollsToFinish = 1;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'gitee/wan2.1-t2v', prompt: 'waves on a beach', parameters: { durationSeconds: 5, aspectRatio: '16:9' } });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]).toMatchObject({ contentType: 'video/mp4', durationSeconds: 5, width: 832, height: 480, sha256: sha256(fake.files.served.at(-1)!) });
  });

  it('cancelling a running Wan generation cancels the Gitee task', async () => {
    fake.pollsToFinish = 1000;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'gitee/wan2.1-t2v', prompt: 'a slow sunrise' });
    const id = submit.body.id as string;
    const running = await waitForGeneration(stack.baseUrl, id, () => fake.tasks.size > 0 && [...fake.tasks.values()].some((t) => t.fields.prompt === 'a slow sunrise'));
    expect(running.status).not.toBe('failed');
    const res = await postJson(`${stack.baseUrl}/v1/generations/${id}/cancel`, {});
    expect(res.status).toBe(202);
    expect((await waitForGeneration(stack.baseUrl, id)).status).toBe('canceled');
    const task = [...fake.tasks.values()].find((t) => t.fields.prompt === 'a slow sunrise')!;
    await expect.poll(() => task.cancelled).toBe(true);
  });
});
