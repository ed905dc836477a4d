import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openaiModels } from '../../providers/openai';
import { createOpenAIAdapter } from '../../providers/openai/adapter';
import type { CallContext, ProviderAdapter, ProviderOutput } from '../../providers/types';
import { OpenAIFake } from '../fakes/openai';
import { sampleImage } from '../fakes/sample-image';
import { providerFailure } from '../support/provider-failure';
import { requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { openaiWireFields } from '../../providers/openai/wire-fields';

const KEY = 'sk-test-contract-0001';

const request = requestFor(openaiModels, 'a lighthouse at dawn');

async function bytesOf(output: ProviderOutput | undefined): Promise<Buffer> {
  if (output?.type === 'bytes') return output.data;
  if (output?.type === 'url') return Buffer.from(await (await fetch(output.url)).arrayBuffer());
  throw new Error(`unexpected output ${JSON.stringify(output)}`);
}

describe('OpenAI adapter against the OpenAI fake', () => {
  const fake = new OpenAIFake({ apiKeys: [KEY, 'sk-test-limited', 'sk-test-broke'] });
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await fake.start();
    adapter = createOpenAIAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.requests.length = 0;
    fake.failing = false;
  });

  it('maps gpt-image-1 to exactly the documented generations body and decodes b64_json', async () => {
    const result = await adapter.submit(
      request('openai/gpt-image-1', { parameters: { size: '1536x1024', quality: 'high', output_format: 'webp', output_compression: 70 }, numberOfOutputs: 2 }),
      ctx,
    );
    const sent = fake.server.requests.at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.json).toEqual({
      model: 'gpt-image-1',
      prompt: 'a lighthouse at dawn',
      n: 2,
      size: '1536x1024',
      quality: 'high',
      background: 'auto',
      output_format: 'webp',
      output_compression: 70,
      moderation: 'auto',
    });
    expect(result.status).toBe('succeeded');
    if (result.status !== 'succeeded') return;
    expect(result.outputs).toHaveLength(2);
    expect(result.outputs[0]).toMatchObject({ type: 'bytes', contentType: 'image/webp' });
    const served = fake.servedImages.slice(-2);
    expect(await bytesOf(result.outputs[0])).toEqual(served[0]);
    expect(await bytesOf(result.outputs[1])).toEqual(served[1]);
  });

  it('asks dall-e-3 for one url image with style and quality, and the url serves the bytes', async () => {
    const result = await adapter.submit(request('openai/dall-e-3', { parameters: { size: '1792x1024', quality: 'hd', style: 'natural' } }), ctx);
    expect(fake.server.requests.at(-1)!.json).toEqual({
      model: 'dall-e-3',
      prompt: 'a lighthouse at dawn',
      n: 1,
      size: '1792x1024',
      quality: 'hd',
      style: 'natural',
      response_format: 'url',
    });
    if (result.status !== 'succeeded') throw new Error('expected a sync result');
    expect(result.outputs[0]?.type).toBe('url');
    const bytes = await bytesOf(result.outputs[0]);
    expect(bytes).toEqual(fake.servedImages.at(-1));
    expect((await sharp(bytes).metadata()).format).toBe('png');
  });

  it('refuses dall-e-3 with more than one output before calling OpenAI', async () => {
    const err = await providerFailure(adapter.submit(request('openai/dall-e-3', { numberOfOutputs: 2 }), ctx));
    expect(err.code).toBe('INVALID_PARAMETERS');
    expect(fake.server.requests).toHaveLength(0);
  });

  it('sends gpt-image-1 edits as multipart with image[] per input and the mask', async () => {
    const a = await sampleImage('png', 64, 64, 1);
    const b = await sampleImage('jpeg', 64, 48, 2);
    const mask = await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const dataUrl = (type: string, data: Buffer) => `data:${type};base64,${data.toString('base64')}`;
    const result = await adapter.submit(
      request('openai/gpt-image-1', {
        kind: 'image-to-image',
        inputImages: [dataUrl('image/png', a), dataUrl('image/jpeg', b)],
        parameters: { quality: 'low', input_fidelity: 'high', mask: dataUrl('image/png', mask) },
      }),
      ctx,
    );
    expect(fake.server.requests.at(-1)!.path).toBe('/v1/images/edits');
    const edit = fake.lastEdit!;
    expect(edit.fields).toEqual({
      model: ['gpt-image-1'],
      prompt: ['a lighthouse at dawn'],
      n: ['1'],
      size: ['auto'],
      quality: ['low'],
      background: ['auto'],
      output_format: ['png'],
      input_fidelity: ['high'],
    });
    expect(edit.files.map((f) => [f.field, f.type])).toEqual([
      ['image[]', 'image/png'],
      ['image[]', 'image/jpeg'],
      ['mask', 'image/png'],
    ]);
    expect(edit.files[0]!.bytes).toEqual(a);
    expect(edit.files[1]!.bytes).toEqual(b);
    if (result.status !== 'succeeded') throw new Error('expected a sync result');
    expect(await bytesOf(result.outputs[0])).toEqual(fake.servedImages.at(-1));
  });

  it("sends dall-e-2 edits as one `image`, and OpenAI's 400 for a non-square image is INVALID_PARAMETERS", async () => {
    const square = await sampleImage('png', 128, 128, 3);
    const ok = await adapter.submit(
      request('openai/dall-e-2', { kind: 'image-to-image', inputImages: [`data:image/png;base64,${square.toString('base64')}`], parameters: { size: '256x256' } }),
      ctx,
    );
    expect(fake.lastEdit!.files.map((f) => f.field)).toEqual(['image']);
    expect(fake.lastEdit!.fields.response_format).toEqual(['url']);
    expect(ok.status).toBe('succeeded');

    const wide = await sampleImage('png', 128, 64, 3);
    const err = await providerFailure(
      adapter.submit(request('openai/dall-e-2', { kind: 'image-to-image', inputImages: [`data:image/png;base64,${wide.toString('base64')}`] }), ctx),
    );
    expect(err.code).toBe('INVALID_PARAMETERS');
    expect(err.message).toContain('Invalid input image');
  });

  it('runs chat completions with the system prompt and returns the reply as text/plain', async () => {
    const result = await adapter.submit(
      request('openai/gpt-4o-mini', { kind: 'text-to-text', prompt: 'a cat', parameters: { systemPrompt: 'Make it vivid.', temperature: 0.2, maxTokens: 200 } }),
      ctx,
    );
    expect(fake.server.requests.at(-1)!.json).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Make it vivid.' },
        { role: 'user', content: 'a cat' },
      ],
      temperature: 0.2,
      max_completion_tokens: 200,
    });
    if (result.status !== 'succeeded') throw new Error('expected a sync result');
    expect(result.outputs[0]).toMatchObject({ type: 'bytes', contentType: 'text/plain; charset=utf-8' });
    expect((await bytesOf(result.outputs[0])).toString('utf8')).toBe(fake.servedTexts.at(-1));
  });

  describe('errors map onto the taxonomy', () => {
    it('a wrong key is AUTHENTICATION_FAILED', async () => {
      const err = await providerFailure(adapter.submit(request('openai/dall-e-2'), { ...ctx, apiKey: 'sk-wrong-9999' }));
      expect([err.code, err.retryable]).toEqual(['AUTHENTICATION_FAILED', false]);
      expect(err.message).not.toContain('sk-wrong-9999');
    });

    it('a rate limit is RATE_LIMITED with Retry-After, a spent quota is QUOTA_EXCEEDED (both 429)', async () => {
      fake.rateLimitedKeys.set('sk-test-limited', 7);
      fake.keysWithoutQuota.add('sk-test-broke');
      const limited = await providerFailure(adapter.submit(request('openai/dall-e-2'), { ...ctx, apiKey: 'sk-test-limited' }));
      expect([limited.code, limited.retryable, limited.retryAfterMs]).toEqual(['RATE_LIMITED', true, 7000]);
      const broke = await providerFailure(adapter.submit(request('openai/dall-e-2'), { ...ctx, apiKey: 'sk-test-broke' }));
      expect([broke.code, broke.retryable]).toEqual(['QUOTA_EXCEEDED', false]);
    });

    it('the safety system is CONTENT_REJECTED for dall-e (content_policy_violation) and gpt-image-1 (moderation_blocked)', async () => {
      for (const model of ['openai/dall-e-3', 'openai/gpt-image-1']) {
        const err = await providerFailure(adapter.submit(request(model, { prompt: 'something forbidden' }), ctx));
        expect([model, err.code, err.retryable]).toEqual([model, 'CONTENT_REJECTED', false]);
      }
      const chat = await providerFailure(adapter.submit(request('openai/gpt-4o-mini', { kind: 'text-to-text', prompt: 'forbidden words' }), ctx));
      expect(chat.code).toBe('CONTENT_REJECTED');
    });

    it('an outage is a retryable PROVIDER_UNAVAILABLE; a gateway time-out is PROVIDER_TIMEOUT', async () => {
      fake.failing = true;
      const down = await providerFailure(adapter.submit(request('openai/dall-e-2'), ctx));
      expect([down.code, down.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
      fake.failing = false;
      fake.server.inject({ status: 504, body: 'upstream timed out' });
      const slow = await providerFailure(adapter.submit(request('openai/dall-e-2'), ctx));
      expect([slow.code, slow.retryable]).toEqual(['PROVIDER_TIMEOUT', true]);
    });

    it('an unreachable API is PROVIDER_UNAVAILABLE', async () => {
      const offline = createOpenAIAdapter({ baseUrl: 'http://127.0.0.1:9', fetch, dataDir: '/nonexistent' });
      const err = await providerFailure(offline.submit(request('openai/dall-e-2'), ctx));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    });
  });

  describe('the fake validates like the real API', () => {
    async function post(body: unknown) {
      const res = await fetch(`${fake.url}/v1/images/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { error: { code: string; param: string } } };
    }

    it('rejects unknown parameters, bad values and over-long prompts with OpenAI error bodies', async () => {
      expect(await post({ model: 'dall-e-3', prompt: 'x', seed: 1 })).toMatchObject({ status: 400, body: { error: { code: 'unknown_parameter', param: 'seed' } } });
      expect(await post({ model: 'gpt-image-1', prompt: 'x', response_format: 'url' })).toMatchObject({ status: 400, body: { error: { param: 'response_format' } } });
      expect(await post({ model: 'dall-e-3', prompt: 'x', size: '512x512' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_value', param: 'size' } } });
      expect(await post({ model: 'dall-e-2', prompt: 'x'.repeat(1001) })).toMatchObject({ status: 400, body: { error: { code: 'string_above_max_length' } } });
    });
  });

  describe('field names as OpenAI documents them (providers/openai/wire-fields.ts)', () => {
    const png = async (seed: number) => `data:image/png;base64,${(await sampleImage('png', 64, 64, seed)).toString('base64')}`;
    it.each([
      ['generations/gpt-image-1', 'openai/gpt-image-1', { background: 'transparent', output_format: 'webp', output_compression: 50, moderation: 'low' }, 0],
      ['generations/dall-e-3', 'openai/dall-e-3', { style: 'natural', quality: 'hd', response_format: 'b64_json' }, 0],
      ['generations/dall-e-2', 'openai/dall-e-2', { size: '512x512' }, 0],
      ['edits/gpt-image-1', 'openai/gpt-image-1', { input_fidelity: 'high', moderation: 'low', output_format: 'jpeg', output_compression: 80 }, 2],
      ['edits/dall-e-2', 'openai/dall-e-2', { size: '256x256' }, 1],
      ['chat', 'openai/gpt-4o-mini', { temperature: 0.1 }, 0],
    ] as const)('%s: %s', async (family, model, parameters, images) => {
      const inputImages = await Promise.all(Array.from({ length: images }, (_, i) => png(i + 1)));
      const spec = openaiModels.find((m) => m.id === model)!;
      const result = await adapter.submit(request(model, { kind: images ? 'image-to-image' : spec.kinds[0]!, parameters, inputImages }), ctx);
      expect(result.status).toBe('succeeded');
      await expectDocumentedFields(openaiWireFields, family, fake.server.requests.at(-1)!);
    });
  });
});
