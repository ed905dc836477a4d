import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createHuggingFaceAdapter, huggingfaceModels } from '../../providers/huggingface';
import { HUGGINGFACE_ROUTER_URL, spaceUrl } from '../../providers/huggingface/api';
import { readSse } from '../../providers/huggingface/gradio';
import type { CallContext, ProviderAdapter, ProviderOutput } from '../../providers/types';
import { HuggingFaceFake } from '../fakes/huggingface';
import { pngImage } from '../fakes/media';
import { providerFailure } from '../support/provider-failure';
import { requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { GRADIO_SPACE_SIGNATURES, huggingfaceWireFields } from '../../providers/huggingface/wire-fields';
import sharp from 'sharp';
import { enhancedBy } from '../fakes/chat-completions';

const TOKEN = 'hf_contract_token_0001';

const request = requestFor(huggingfaceModels, 'an astronaut riding a horse');

async function only(adapter: ProviderAdapter, req: GenerationRequest, ctx: CallContext): Promise<ProviderOutput> {
  const done = await adapter.submit(req, ctx);
  if (done.status !== 'succeeded' || done.outputs.length !== 1) throw new Error('expected one output');
  return done.outputs[0]!;
}

describe('Hugging Face adapter against the Hugging Face fake', () => {
  const fake = new HuggingFaceFake({ tokens: [TOKEN, 'hf_limited', 'hf_broke'] });
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: TOKEN };

  beforeAll(async () => {
    await fake.start();
    adapter = createHuggingFaceAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.requests.length = 0;
    fake.failing = false;
    fake.loadingSeconds = undefined;
    fake.spaceError = undefined;
    fake.streamEndsEarly = false;
  });

  describe('Inference Providers text-to-image', () => {
    it('posts { inputs, parameters } with the Bearer token and keeps the raw image bytes', async () => {
      const output = await only(adapter, request('huggingface/flux-1-schnell', { parameters: { width: 768, height: 512, seed: 3 } }), ctx);
      const sent = fake.server.requests.at(-1)!;
      expect([sent.path, sent.headers.authorization]).toEqual(['/hf-inference/models/black-forest-labs/FLUX.1-schnell', `Bearer ${TOKEN}`]);
      expect(sent.json).toEqual({ inputs: 'an astronaut riding a horse', parameters: { width: 768, height: 512, num_inference_steps: 4, seed: 3 } });
      expect(output).toEqual({ type: 'bytes', data: fake.served.at(-1), contentType: 'image/png' });
    });

    it('a loading model is a retryable PROVIDER_UNAVAILABLE after its estimated_time', async () => {
      fake.loadingSeconds = 20.5;
      const err = await providerFailure(adapter.submit(request('huggingface/sdxl'), ctx));
      expect([err.code, err.retryable, err.retryAfterMs]).toEqual(['PROVIDER_UNAVAILABLE', true, 20_500]);
    });

    it('401, 402 (credits) and 429 map to AUTHENTICATION_FAILED, QUOTA_EXCEEDED, RATE_LIMITED; the token never shows', async () => {
      const wrong = await providerFailure(adapter.submit(request('huggingface/sdxl'), { ...ctx, apiKey: 'hf_secret_wrong' }));
      expect(wrong.code).toBe('AUTHENTICATION_FAILED');
      expect(JSON.stringify({ m: wrong.message, d: wrong.details })).not.toContain('hf_secret_wrong');
      fake.tokensWithoutCredits.add('hf_broke');
      expect((await providerFailure(adapter.submit(request('huggingface/sdxl'), { ...ctx, apiKey: 'hf_broke' }))).code).toBe('QUOTA_EXCEEDED');
      fake.rateLimitedTokens.set('hf_limited', 30);
      const limited = await providerFailure(adapter.submit(request('huggingface/sdxl'), { ...ctx, apiKey: 'hf_limited' }));
      expect([limited.code, limited.retryAfterMs]).toEqual(['RATE_LIMITED', 30_000]);
      fake.failing = true;
      expect((await providerFailure(adapter.submit(request('huggingface/sdxl'), ctx))).code).toBe('PROVIDER_UNAVAILABLE');
    });
  });

  describe('Gradio Spaces', () => {
    it('maps the request onto the endpoint data array, reads the SSE stream to `complete`, and answers the file URL', async () => {
      const output = await only(adapter, request('huggingface/space-flux-1-schnell', { parameters: { seed: 9, randomize_seed: false, width: 512, height: 768 } }), ctx);
      const call = fake.calls.at(-1)!;
      expect([call.space, call.api, call.token]).toEqual(['black-forest-labs/FLUX.1-schnell', 'infer', TOKEN]);
      expect(call.data).toEqual(['an astronaut riding a horse', 9, false, 512, 768, 4]);
      if (output.type !== 'url') throw new Error('expected a file URL');
      expect(output.url.startsWith(`${fake.url}/spaces/black-forest-labs/FLUX.1-schnell/gradio_api/file=/tmp/gradio/`)).toBe(true);
      expect(Buffer.from(await (await fetch(output.url)).arrayBuffer())).toEqual(fake.served.at(-1));
    });

    it('uploads an input image first and passes it as gradio.FileData', async () => {
      const png = await pngImage(40, 24);
      await only(adapter, request('huggingface/space-flux-1-kontext', { kind: 'image-to-image', inputImages: [`data:image/png;base64,${png.toString('base64')}`] }), ctx);
      const [file, ...rest] = fake.calls.at(-1)!.data as [{ path: string; meta: unknown }, ...unknown[]];
      expect(file.meta).toEqual({ _type: 'gradio.FileData' });
      expect(fake.uploads.get(file.path)).toEqual(png);
      expect(rest).toEqual(['an astronaut riding a horse', 0, true, 2.5, 28]);
    });

    it('an `error` event is PROVIDER_ERROR, a ZeroGPU quota message QUOTA_EXCEEDED', async () => {
      fake.spaceError = null;
      const failed = await providerFailure(adapter.submit(request('huggingface/space-flux-1-schnell'), ctx));
      expect([failed.code, failed.retryable]).toEqual(['PROVIDER_ERROR', false]);
      fake.spaceError = 'You have exceeded your GPU quota (60s requested vs. 0s left). Try again in 0:12:00';
      const quota = await providerFailure(adapter.submit(request('huggingface/space-flux-1-schnell'), ctx));
      expect([quota.code, quota.message]).toEqual(['QUOTA_EXCEEDED', expect.stringContaining('GPU quota')]);
    });

    it('a stream that ends without `complete` or `error` (the Space restarted) is a retryable PROVIDER_UNAVAILABLE', async () => {
      fake.streamEndsEarly = true;
      const err = await providerFailure(adapter.submit(request('huggingface/space-flux-1-schnell'), ctx));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    });

    it('Spaces live on their own host on the real service, under /spaces on an override', () => {
      expect(spaceUrl(HUGGINGFACE_ROUTER_URL, 'black-forest-labs/FLUX.1-Kontext-Dev')).toBe('https://black-forest-labs-flux-1-kontext-dev.hf.space');
      expect(spaceUrl('http://127.0.0.1:9', 'a/b')).toBe('http://127.0.0.1:9/spaces/a/b');
    });

    it('reads events split anywhere across chunks', async () => {
      const text = 'event: heartbeat\ndata: null\n\nevent: complete\ndata: [{"path": "/tmp/x.png"}, 1]\n\n';
      const chunks = [text.slice(0, 7), text.slice(7, 30), text.slice(30, 31), text.slice(31)].map((c) => new TextEncoder().encode(c));
      const stream = new ReadableStream<Uint8Array>({ start: (c) => { chunks.forEach((chunk) => c.enqueue(chunk)); c.close(); } });
      const events = [];
      for await (const event of readSse(stream)) events.push(event);
      expect(events).toEqual([{ event: 'heartbeat', data: 'null' }, { event: 'complete', data: '[{"path": "/tmp/x.png"}, 1]' }]);
    });
  });

  describe('request bodies carry only the fields Hugging Face and Gradio document (providers/huggingface/wire-fields.ts)', () => {
    it.each([
      ['huggingface/flux-1-schnell', { width: 512, seed: 1 }],
      ['huggingface/sdxl', { negative_prompt: 'blur', guidance_scale: 6, seed: 2 }],
    ] as const)('text-to-image: %s', async (model, parameters) => {
      await adapter.submit(request(model, { parameters }), ctx);
      await expectDocumentedFields(huggingfaceWireFields, 'text-to-image', fake.server.requests.at(-1)!);
    });

    it('Gradio upload and call bodies; the data array follows each Space function signature, position by position', async () => {
      const png = await pngImage(40, 24);
      for (const model of huggingfaceModels) {
        if (model.api !== 'gradio') continue;
        const images = model.inputImages.max > 0 ? [`data:image/png;base64,${png.toString('base64')}`] : [];
        fake.server.requests.length = 0;
        await adapter.submit(request(model.id, { inputImages: images, ...(images.length ? { kind: model.kinds[0]! } : {}) }), ctx);
        const posts = fake.server.requests.filter((r) => r.method === 'POST');
        for (const upload of posts.filter((r) => r.path.endsWith('/gradio_api/upload'))) await expectDocumentedFields(huggingfaceWireFields, 'gradio-upload', upload);
        await expectDocumentedFields(huggingfaceWireFields, 'gradio-call', posts.at(-1)!);
        const signature = GRADIO_SPACE_SIGNATURES[`${model.gradio.space}/${model.gradio.apiName}`];
        expect(signature, `${model.id}: no documented signature for ${model.gradio.space}`).toBeDefined();
        // Each slot of the model table names what goes at that position: the prompt, the image, or a parameter of the same name.
        const names = model.gradio.inputs.map((slot) => ('from' in slot ? (slot.from === 'parameter' ? (slot.input ?? slot.name) : slot.from) : 'constant'));
        // (`img` is the Real-ESRGAN demo's name for its image input.)
        expect(names.map((n, i) => (n === 'image' ? /image|^img$/.test(signature![i]!) : n === signature![i]))).toEqual(names.map(() => true));
        expect(names).toHaveLength(signature!.length);
      }
    });
  });

  describe("S0's aspectRatio, the text action and the upscaler", () => {
    it('aspectRatio becomes width/height on HF Inference (9:16 → 768x1360) and on the FLUX Space, and the image comes back in that shape', async () => {
      await only(adapter, request('huggingface/sdxl', { parameters: { aspectRatio: '9:16' } }), ctx);
      expect(fake.server.requests.at(-1)!.json).toEqual({ inputs: 'an astronaut riding a horse', parameters: { width: 768, height: 1360, num_inference_steps: 30, guidance_scale: 7 } });
      await only(adapter, request('huggingface/space-flux-1-schnell', { parameters: { aspectRatio: '16:9' } }), ctx);
      expect(fake.calls.at(-1)!.data.slice(3, 5)).toEqual([1360, 768]);
      const meta = await sharp(fake.served.at(-1)).metadata();
      expect([meta.width, meta.height]).toEqual([85, 48]);
    });

    it('without aspectRatio or a size, 1024x1024 is sent as before', async () => {
      await only(adapter, request('huggingface/flux-1-schnell'), ctx);
      expect(fake.server.requests.at(-1)!.json).toMatchObject({ parameters: { width: 1024, height: 1024 } });
    });

    it("text: the router's OpenAI-compatible /v1/chat/completions with the Bearer token; the reply is the output", async () => {
      const output = await only(adapter, request('huggingface/llama-3.3-70b-instruct', { kind: 'text-to-text', parameters: { maxTokens: 300 } }), ctx);
      const sent = fake.server.requests.at(-1)!;
      expect([sent.path, sent.headers.authorization]).toEqual(['/v1/chat/completions', `Bearer ${TOKEN}`]);
      expect(sent.json).toMatchObject({ model: 'meta-llama/Llama-3.3-70B-Instruct', messages: [{ role: 'system' }, { role: 'user', content: 'an astronaut riding a horse' }], max_tokens: 300, stream: false });
      await expectDocumentedFields(huggingfaceWireFields, 'chat-completions', sent);
      expect(output).toEqual({ type: 'bytes', data: Buffer.from(enhancedBy('meta-llama/Llama-3.3-70B-Instruct', 'an astronaut riding a horse')), contentType: 'text/plain; charset=utf-8' });
    });

    it('text: spent credits are QUOTA_EXCEEDED', async () => {
      fake.tokensWithoutCredits.add('hf_broke');
      const err = await providerFailure(adapter.submit(request('huggingface/llama-3.3-70b-instruct', { kind: 'text-to-text' }), { ...ctx, apiKey: 'hf_broke' }));
      expect(err.code).toBe('QUOTA_EXCEEDED');
      fake.tokensWithoutCredits.delete('hf_broke');
    });

    it.each([2, 4] as const)('upscale ×%i: the image is uploaded to the Real-ESRGAN Space and comes back %i times larger', async (outscale) => {
      const png = await pngImage(40, 24);
      const output = await only(adapter, request('huggingface/space-real-esrgan', { kind: 'upscale', inputImages: [`data:image/png;base64,${png.toString('base64')}`], parameters: { scale: outscale } }), ctx);
      const call = fake.calls.at(-1)!;
      expect([call.space, call.api]).toEqual(['tuan2308/Upscaler', 'realesrgan']);
      expect(call.data.slice(1)).toEqual(['RealESRGAN_x4plus', 0.5, false, outscale]);
      expect(fake.uploads.get((call.data[0] as { path: string }).path)).toEqual(png);
      if (output.type !== 'url') throw new Error('expected a file URL');
      const meta = await sharp(Buffer.from(await (await fetch(output.url)).arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([40 * outscale, 24 * outscale]);
    });

    it('upscale offers ×2 and ×4 only', () => {
      const model = huggingfaceModels.find((m) => m.id === 'huggingface/space-real-esrgan')!;
      expect(model.parameters.safeParse({ scale: 3 }).success).toBe(false);
      expect(model.parameters.parse({})).toMatchObject({ scale: 4 });
    });
  });
});
