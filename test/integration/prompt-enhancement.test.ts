import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

/** Out of the box: the built-in defaults per kind and the built-in `local/text` enhancer. */
describe.skipIf(!temporalAddress)('prompt enhancement and default models with the built-in defaults', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('enhances with local/text and generates with the enhanced prompt', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'a lighthouse at night', enhancePrompt: true, parameters: { width: 64, height: 64 } });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.prompt).toBe('a lighthouse at night');
    // The default system prompt names no style, so the photographic lead is added.
    expect(done.enhancedPrompt?.startsWith('a lighthouse at night, professional photograph, ')).toBe(true);
    const row = await stack.repo.findById(done.id);
    expect(row?.enhanced_prompt).toBe(done.enhancedPrompt);
  });

  it('serves a kind-only text-to-text request with local/text and stores the text as text/plain', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { kind: 'text-to-text', prompt: 'a quiet harbour', parameters: { style: 'minimal', descriptors: 2 } });
    expect(submit.body).toMatchObject({ model: 'local/text', modelSelectedBy: 'default', kind: 'text-to-text' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]).toMatchObject({ contentType: 'text/plain; charset=utf-8' });
    const text = await (await fetch(done.outputs[0]!.url)).text();
    expect(text.startsWith('a quiet harbour, minimalist composition, ')).toBe(true);
    expect(text.split(', ')).toHaveLength(4);
    expect(done.outputs[0]!.bytes).toBe(Buffer.byteLength(text));
  });

  it('uses the built-in default for a kind-only speech request', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { kind: 'text-to-speech', prompt: 'hello' });
    expect(submit.body).toMatchObject({ model: 'local/speech', modelSelectedBy: 'default' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.outputs[0]?.contentType).toBe('audio/wav');
  });

  it('answers 422 for a kind no model is configured for', async () => {
    const res = await postJson(`${stack.baseUrl}/v1/generations`, { kind: 'upscale', prompt: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_CAPABILITY', message: expect.stringContaining('GENFLOW_DEFAULT_MODELS') as unknown });
  });
});
