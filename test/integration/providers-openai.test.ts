import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIFake } from '../fakes/openai';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `sk-test-e2e-${randomUUID()}`;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('OpenAI end to end: API → workflow → adapter → OpenAI fake → storage', () => {
  const fake = new OpenAIFake({ apiKeys: [KEY] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({ env: { GENFLOW_OPENAI_BASE_URL: fake.url, GENFLOW_OPENAI_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  async function generate(body: Record<string, unknown>) {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, body);
    expect(submit.status).toBe(202);
    return waitForGeneration(stack.baseUrl, submit.body.id as string);
  }

  it('gpt-image-1 (b64_json): two images stored with the sha256 of the bytes the fake served', async () => {
    const before = fake.servedImages.length;
    const done = await generate({ model: 'openai/gpt-image-1', prompt: 'a paper boat on a pond', parameters: { size: '1024x1536', output_format: 'webp' }, numberOfOutputs: 2 });
    expect(done.status).toBe('succeeded');
    const served = fake.servedImages.slice(before);
    expect(done.outputs.map((o) => o.sha256)).toEqual(served.map((b) => sha256(b)));
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/webp', width: 128, height: 192 });
    const stored = Buffer.from(await (await fetch(done.outputs[1]!.url)).arrayBuffer());
    expect(stored).toEqual(served[1]);
  });

  it('dall-e-3 (url output): the image is fetched from the provider URL and stored', async () => {
    const before = fake.servedImages.length;
    const done = await generate({ model: 'openai/dall-e-3', prompt: 'a lighthouse', parameters: { quality: 'hd' } });
    expect(done.status).toBe('succeeded');
    expect(done.outputs.map((o) => o.sha256)).toEqual([sha256(fake.servedImages[before]!)]);
    expect(done.outputs[0]?.contentType).toBe('image/png');
  });

  it('gpt-4o-mini: the reply is stored as a text/plain asset', async () => {
    const done = await generate({ model: 'openai/gpt-4o-mini', prompt: 'a cat on a roof', parameters: { systemPrompt: 'Make it cinematic.' } });
    expect(done.status).toBe('succeeded');
    const text = fake.servedTexts.at(-1)!;
    expect(done.outputs[0]).toMatchObject({ contentType: 'text/plain; charset=utf-8', sha256: sha256(text), bytes: Buffer.byteLength(text) });
    const res = await fetch(done.outputs[0]!.url);
    expect(await res.text()).toBe(text);
  });

  it('a prompt refused by the safety system fails with CONTENT_REJECTED, without retries', async () => {
    const calls = fake.server.requests.length;
    const done = await generate({ model: 'openai/dall-e-2', prompt: 'something forbidden' });
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('CONTENT_REJECTED');
    expect(fake.server.requests.length - calls).toBe(1);
  });
});
