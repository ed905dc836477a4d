import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_ASPECT_RATIOS } from '../../providers/core/aspect-ratio';
import { enhancedBy } from '../fakes/chat-completions';
import { GiteeFake } from '../fakes/gitee';
import { getJson, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const TOKEN = `gitee-e2e-${randomUUID()}`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Gitee AI end to end: API → workflow → Gitee fake (images sync, Wan video task) → storage', () => {
  const fake = new GiteeFake({ tokens: [TOKEN] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    // Gitee's chat model is the prompt enhancer here: S0's `text` action in its enhancer role.
    stack = await startStack({ env: { GENFLOW_GITEE_BASE_URL: fake.url, GENFLOW_GITEE_API_KEYS: TOKEN, GENFLOW_PROMPT_ENHANCER_MODEL: 'gitee/qwen3-next-80b-instruct' } });
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

  it('text: a text-to-text generation on Gitee chat completions stores the reply as text/plain, byte for byte', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'gitee/qwen3-next-80b-instruct', prompt: '一座雪山下的小木屋', parameters: { maxTokens: 300 } });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const reply = enhancedBy('Qwen3-Next-80B-A3B-Instruct', '一座雪山下的小木屋');
    expect(done.outputs[0]).toMatchObject({ contentType: 'text/plain; charset=utf-8', bytes: Buffer.byteLength(reply), sha256: sha256(Buffer.from(reply)) });
    expect(await (await fetch(done.outputs[0]!.url)).text()).toBe(reply);
    expect(fake.chats.at(-1)!.body).toMatchObject({ model: 'Qwen3-Next-80B-A3B-Instruct', max_tokens: 300 });
  });

  it('enhancePrompt runs Gitee chat first, then generates with its answer; aspectRatio 16:9 reaches the wire as size 1360x768', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'gitee/z-image-turbo', prompt: 'a lighthouse at dusk', enhancePrompt: true, parameters: { aspectRatio: '16:9' } });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const enhanced = enhancedBy('Qwen3-Next-80B-A3B-Instruct', 'a lighthouse at dusk');
    expect([done.prompt, done.enhancedPrompt]).toEqual(['a lighthouse at dusk', enhanced]);
    const sent = fake.server.requests.filter((r) => r.path === '/v1/images/generations').at(-1)!.json as Record<string, unknown>;
    expect([sent.prompt, sent.size]).toEqual([enhanced, '1360x768']);
    // The fake renders at 1/16 of the asked size: the stored image has the asked shape.
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 85, height: 48 });
  });

  it('aspectRatio is listed with its values in /v1/models, and together with an explicit size is a 400 before anything starts', async () => {
    const model = await getJson<{ parameters: { properties: Record<string, { enum?: string[] }> } }>(`${stack.baseUrl}/v1/models/gitee/qwen-image`);
    expect(model.body.parameters.properties.aspectRatio?.enum).toEqual([...IMAGE_ASPECT_RATIOS]);
    const before = fake.server.requests.length;
    const res = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'gitee/qwen-image', prompt: 'x', parameters: { aspectRatio: '4:3', size: '1024x768' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_PARAMETERS', message: expect.stringContaining('give aspectRatio or an explicit size, not both') as unknown });
    expect(fake.server.requests.length).toBe(before);
  });
});
