import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enhancedBy } from '../fakes/chat-completions';
import { HuggingFaceFake } from '../fakes/huggingface';
import { pngImage } from '../fakes/media';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const TOKEN = `hf_e2e_${randomUUID()}`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Hugging Face end to end: API → workflow → HF fake (router bytes, Gradio Space SSE) → storage', () => {
  const fake = new HuggingFaceFake({ tokens: [TOKEN] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({ env: { GENFLOW_HUGGINGFACE_BASE_URL: fake.url, GENFLOW_HUGGINGFACE_API_KEYS: TOKEN } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('Inference Providers: the raw bytes the router answered are stored', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'huggingface/sdxl', prompt: 'a castle on a hill', parameters: { width: 1024, height: 768 } });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 64, height: 48, sha256: sha256(fake.served.at(-1)!) });
  });

  it('a Gradio Space: the uploaded image goes to the Space, the completed file is fetched and stored', async () => {
    const png = await pngImage(48, 32);
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'huggingface/space-flux-1-kontext',
      prompt: 'make it night',
      inputImages: [`data:image/png;base64,${png.toString('base64')}`],
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/webp', width: 48, height: 32, sha256: sha256(fake.served.at(-1)!) });
    expect(fake.calls.at(-1)!.data[1]).toBe('make it night');
  });

  it('upscale ×2 through the Real-ESRGAN Space: the stored image is twice the input', async () => {
    const png = await pngImage(40, 24);
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'huggingface/space-real-esrgan',
      prompt: 'upscale',
      inputImages: [`data:image/png;base64,${png.toString('base64')}`],
      parameters: { scale: 2 },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]).toMatchObject({ width: 80, height: 48, sha256: sha256(fake.served.at(-1)!) });
    expect(fake.calls.at(-1)!.data.slice(1)).toEqual(['RealESRGAN_x4plus', 0.5, false, 2]);
  });

  it("text: Llama 3.3 through the router's chat completions, the reply stored as text/plain", async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'huggingface/llama-3.3-70b-instruct', prompt: 'a fox in a library' });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(await (await fetch(done.outputs[0]!.url)).text()).toBe(enhancedBy('meta-llama/Llama-3.3-70B-Instruct', 'a fox in a library'));
    expect(fake.chats.at(-1)!.messages.at(-1)).toEqual({ role: 'user', content: 'a fox in a library' });
  });
});
