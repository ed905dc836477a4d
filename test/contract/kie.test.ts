import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createKieAdapter, kieModels } from '../../providers/kie';
import { createProviderGateway } from '../../providers/provider-gateway';
import type { CallContext, PollResult, ProviderAdapter, SubmitResult } from '../../providers/types';
import { KieFake } from '../fakes/kie';
import { caught } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { kieWireFields } from '../../providers/kie/wire-fields';

const KEY = 'kie-test-key';

function request(model: string, overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  const spec = kieModels.find((m) => m.id === model)!;
  return {
    model,
    kind: spec.kinds[0]!,
    prompt: 'a lighthouse at dawn',
    parameters: spec.parameters.parse(overrides.parameters ?? {}),
    inputImages: [],
    numberOfOutputs: 1,
    ...overrides,
    ...(overrides.parameters ? { parameters: spec.parameters.parse(overrides.parameters) } : {}),
  };
}

describe('Kie.ai adapter against the local fake', () => {
  const fake = new KieFake();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await fake.start();
    adapter = createKieAdapter({ dataDir: '/nonexistent', baseUrl: fake.url, fetch }, { callbackUrl: 'https://genflow.example/hooks/kie' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.pollsUntilDone = 2;
    fake.failTasksWith = undefined;
    fake.outageCode = undefined;
    fake.server.requests.length = 0;
  });

  async function submitted(req: GenerationRequest): Promise<{ taskId: string; body: Record<string, unknown> }> {
    const result: SubmitResult = await adapter.submit(req, ctx);
    expect(result.status).toBe('pending');
    const body = fake.createBodies().at(-1)!;
    return { taskId: (result as { taskId: string }).taskId, body };
  }

  async function pollToEnd(taskId: string, req: GenerationRequest): Promise<PollResult[]> {
    const seen: PollResult[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await adapter.poll!(taskId, req, ctx);
      seen.push(r);
      if (r.status === 'succeeded' || r.status === 'canceled') return seen;
    }
    throw new Error('never finished');
  }

  describe('maps a request to exactly the body Kie expects', () => {
    it('4o image: variants, reference images, callback', async () => {
      const req = request('kie/4o-image', {
        parameters: { size: '3:2', isEnhance: true },
        inputImages: ['https://img.example/a.png', 'https://img.example/b.jpg'],
        numberOfOutputs: 2,
        kind: 'image-to-image',
      });
      const { body } = await submitted(req);
      expect(body).toEqual({
        prompt: 'a lighthouse at dawn',
        size: '3:2',
        isEnhance: true,
        enableFallback: false,
        nVariants: 2,
        filesUrl: ['https://img.example/a.png', 'https://img.example/b.jpg'],
        callBackUrl: 'https://genflow.example/hooks/kie',
      });
      expect(fake.server.requests.at(-1)?.path).toBe('/api/v1/gpt4o-image/generate');
      expect(fake.server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    });

    it('Flux Kontext max: an edit of one image', async () => {
      const { body } = await submitted(
        request('kie/flux-kontext-max', { parameters: { aspectRatio: '1:1', outputFormat: 'png' }, inputImages: ['https://img.example/in.jpg'] }),
      );
      expect(body).toEqual({
        prompt: 'a lighthouse at dawn',
        aspectRatio: '1:1',
        outputFormat: 'png',
        promptUpsampling: false,
        safetyTolerance: 2,
        enableTranslation: true,
        model: 'flux-kontext-max',
        inputImage: 'https://img.example/in.jpg',
        callBackUrl: 'https://genflow.example/hooks/kie',
      });
    });

    it('Nano Banana: the text model takes the ratio as image_size, the edit model (with images) as aspect_ratio', async () => {
      expect((await submitted(request('kie/nano-banana', { parameters: { aspect_ratio: '16:9' } }))).body).toEqual({
        model: 'google/nano-banana',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', image_size: '16:9', output_format: 'png' },
      });
      expect((await submitted(request('kie/nano-banana', { parameters: { aspect_ratio: '9:16' }, inputImages: ['https://img.example/1.png'] }))).body).toEqual({
        model: 'google/nano-banana-edit',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', aspect_ratio: '9:16', output_format: 'png', image_urls: ['https://img.example/1.png'] },
      });
    });

    it('Seedream: numberOfOutputs becomes max_images', async () => {
      const { body } = await submitted(request('kie/seedream-v4', { numberOfOutputs: 3, parameters: { image_resolution: '2K', seed: 7 } }));
      expect(body).toEqual({
        model: 'bytedance/seedream-v4-text-to-image',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', image_size: 'square_hd', image_resolution: '2K', seed: 7, max_images: 3 },
      });
    });

    it('Kling image-to-video: one image_url and no aspect_ratio', async () => {
      const { body } = await submitted(request('kie/kling-v2.5-turbo-pro', { inputImages: ['https://img.example/first.png'], parameters: { durationSeconds: 10 } }));
      expect(body).toEqual({
        model: 'kling/v2-5-turbo-image-to-video-pro',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', duration: '10', cfg_scale: 0.5, image_url: 'https://img.example/first.png' },
      });
    });

    it('Wan 2.5 text-to-video: normalised durationSeconds/resolution/aspectRatio sent under Kie\'s names', async () => {
      const { body } = await submitted(request('kie/wan-2.5', { parameters: { durationSeconds: 10, resolution: '720p', seed: 3 } }));
      expect(body).toEqual({
        model: 'wan/2-5-text-to-video',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', duration: '10', resolution: '720p', aspect_ratio: '16:9', enable_prompt_expansion: true, seed: 3 },
      });
      const wan = kieModels.find((m) => m.id === 'kie/wan-2.5')!;
      expect(wan.price!({ durationSeconds: 10, resolution: '720p' }, 1)).toBe(0.6);
      expect((await caught(adapter.submit(request('kie/wan-2.5', { prompt: 'x'.repeat(801) }), ctx))).code).toBe('INVALID_PARAMETERS');
    });

    it('Sora 2: 15 s portrait becomes n_frames "15" and aspect_ratio portrait; Veo takes no length', async () => {
      const { body } = await submitted(request('kie/sora-2', { parameters: { durationSeconds: 15, aspectRatio: '9:16' } }));
      expect(body.input).toEqual({ prompt: 'a lighthouse at dawn', n_frames: '15', aspect_ratio: 'portrait', remove_watermark: true });
      const veo = await submitted(request('kie/veo3', { parameters: { aspectRatio: 'auto' } }));
      expect(veo.body).toMatchObject({ aspectRatio: 'Auto' });
      expect(veo.body).not.toHaveProperty('durationSeconds');
    });

    it('Veo 3.1 fast: first and last frame', async () => {
      const { body } = await submitted(request('kie/veo3-fast', { inputImages: ['https://img.example/a.png', 'https://img.example/b.png'], parameters: { aspectRatio: '9:16' } }));
      expect(body).toEqual({
        prompt: 'a lighthouse at dawn',
        model: 'veo3_fast',
        aspectRatio: '9:16',
        enableTranslation: true,
        imageUrls: ['https://img.example/a.png', 'https://img.example/b.png'],
        generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
        callBackUrl: 'https://genflow.example/hooks/kie',
      });
    });

    it('Runway: aspectRatio for text-to-video, imageUrl instead for image-to-video', async () => {
      expect((await submitted(request('kie/runway', { parameters: { durationSeconds: 10, aspectRatio: '9:16' } }))).body).toEqual({
        prompt: 'a lighthouse at dawn',
        duration: 10,
        quality: '720p',
        waterMark: '',
        aspectRatio: '9:16',
        callBackUrl: 'https://genflow.example/hooks/kie',
      });
      expect((await submitted(request('kie/runway', { inputImages: ['https://img.example/still.png'], parameters: { resolution: '1080p' } }))).body).toEqual({
        prompt: 'a lighthouse at dawn',
        duration: 5,
        quality: '1080p',
        waterMark: '',
        imageUrl: 'https://img.example/still.png',
        callBackUrl: 'https://genflow.example/hooks/kie',
      });
      const refused = await caught(adapter.submit(request('kie/runway', { parameters: { durationSeconds: 10, resolution: '1080p' } }), ctx));
      expect([refused.code, refused.message]).toEqual(['UNSUPPORTED_CAPABILITY', expect.stringContaining('720p')]);
    });

    it('Midjourney: text-to-image task type and its options', async () => {
      const { body } = await submitted(request('kie/midjourney', { parameters: { speed: 'turbo', aspectRatio: '16:9', version: 'niji6', variety: 20 } }));
      expect(body).toEqual({
        taskType: 'mj_txt2img',
        prompt: 'a lighthouse at dawn',
        speed: 'turbo',
        aspectRatio: '16:9',
        version: 'niji6',
        stylization: 100,
        weirdness: 0,
        variety: 20,
        callBackUrl: 'https://genflow.example/hooks/kie',
      });
    });

    it('Sora 2 Pro: size and length under Kie\'s names, image-to-video with image_urls; priced by size and length', async () => {
      expect((await submitted(request('kie/sora-2-pro', { parameters: { durationSeconds: 15, size: 'high' } }))).body).toEqual({
        model: 'sora-2-pro-text-to-video',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', n_frames: '15', aspect_ratio: 'landscape', size: 'high', remove_watermark: true },
      });
      expect((await submitted(request('kie/sora-2-pro', { inputImages: ['https://img.example/first.png'], kind: 'image-to-video' }))).body).toMatchObject({
        model: 'sora-2-pro-image-to-video',
        input: { image_urls: ['https://img.example/first.png'], n_frames: '10', size: 'standard' },
      });
      const pro = kieModels.find((m) => m.id === 'kie/sora-2-pro')!;
      expect([pro.price!({}, 1), pro.price!({ durationSeconds: 15 }, 1), pro.price!({ size: 'high' }, 1), pro.price!({ size: 'high', durationSeconds: 15 }, 1)]).toEqual([0.75, 1.35, 1.65, 3.15]);
    });

    it('Kling 2.1 pro: the first image is image_url, a second one the tail frame; standard refuses a second', async () => {
      const { body } = await submitted(
        request('kie/kling-v2.1-pro', { inputImages: ['https://img.example/a.png', 'https://img.example/b.png'], parameters: { durationSeconds: 10, negative_prompt: 'blur' } }),
      );
      expect(body).toEqual({
        model: 'kling/v2-1-pro',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', duration: '10', negative_prompt: 'blur', cfg_scale: 0.5, image_url: 'https://img.example/a.png', tail_image_url: 'https://img.example/b.png' },
      });
      expect((await submitted(request('kie/kling-v2.1-standard', { inputImages: ['https://img.example/a.png'] }))).body).toMatchObject({ model: 'kling/v2-1-standard', input: { duration: '5', image_url: 'https://img.example/a.png' } });
      const before = fake.server.requests.length;
      expect((await caught(adapter.submit(request('kie/kling-v2.1-standard', { inputImages: ['https://img.example/a.png', 'https://img.example/b.png'] }), ctx))).code).toBe('INVALID_PARAMETERS');
      expect((await caught(adapter.submit(request('kie/kling-v2.1-pro'), ctx))).message).toContain('needs at least one input image');
      expect(fake.server.requests.length).toBe(before);
      const std = kieModels.find((m) => m.id === 'kie/kling-v2.1-standard')!;
      const pro = kieModels.find((m) => m.id === 'kie/kling-v2.1-pro')!;
      expect([std.price!({}, 1), std.price!({ durationSeconds: 10 }, 1), pro.price!({}, 1), pro.price!({ durationSeconds: 10 }, 1)]).toEqual([0.125, 0.25, 0.25, 0.5]);
    });

    it('Wan 2.2 A14B Turbo: a fixed length (not sent), resolution and ratio under Kie\'s names; the image model takes no ratio', async () => {
      expect((await submitted(request('kie/wan-2.2-a14b-turbo', { parameters: { resolution: '580p', aspectRatio: '9:16', seed: 4 } }))).body).toEqual({
        model: 'wan/2-2-a14b-text-to-video-turbo',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', resolution: '580p', aspect_ratio: '9:16', enable_prompt_expansion: false, seed: 4, acceleration: 'none' },
      });
      expect((await submitted(request('kie/wan-2.2-a14b-turbo', { inputImages: ['https://img.example/a.png'], kind: 'image-to-video' }))).body).toEqual({
        model: 'wan/2-2-a14b-image-to-video-turbo',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', resolution: '720p', enable_prompt_expansion: false, acceleration: 'none', image_url: 'https://img.example/a.png' },
      });
    });

    it('ByteDance V1 Pro: duration as a string, resolution and ratio; the image model follows the image', async () => {
      expect((await submitted(request('kie/bytedance-v1-pro', { parameters: { durationSeconds: 10, resolution: '1080p', aspectRatio: '21:9', camera_fixed: true } }))).body).toEqual({
        model: 'bytedance/v1-pro-text-to-video',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { prompt: 'a lighthouse at dawn', duration: '10', resolution: '1080p', aspect_ratio: '21:9', camera_fixed: true, enable_safety_checker: true },
      });
      expect((await submitted(request('kie/bytedance-v1-pro', { inputImages: ['https://img.example/a.png'], kind: 'image-to-video' }))).body).toMatchObject({
        model: 'bytedance/v1-pro-image-to-video',
        input: { image_url: 'https://img.example/a.png', duration: '5', resolution: '720p' },
      });
      const v1 = kieModels.find((m) => m.id === 'kie/bytedance-v1-pro')!;
      expect(v1.price!({ resolution: '1080p', durationSeconds: 10 }, 1)).toBeGreaterThan(v1.price!({}, 1));
    });

    it('Nano Banana Upscale: the image under `image`, the factor as `scale`, no prompt sent', async () => {
      const { body } = await submitted(request('kie/nano-banana-upscale', { inputImages: ['https://img.example/small.png'], parameters: { scale: 4, face_enhance: true } }));
      expect(body).toEqual({
        model: 'nano-banana-upscale',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { image: 'https://img.example/small.png', scale: 4, face_enhance: true },
      });
      expect(kieModels.find((m) => m.id === 'kie/nano-banana-upscale')!.parameters.safeParse({ scale: 8 }).success).toBe(false);
      // The result is the image made four times larger (the fake's stand-in input is 40×30).
      const req = request('kie/nano-banana-upscale', { inputImages: ['https://img.example/small.png'], parameters: { scale: 4 } });
      const last = (await pollToEnd((await submitted(req)).taskId, req)).at(-1)!;
      if (last.status !== 'succeeded' || last.outputs[0]?.type !== 'url') throw new Error('not succeeded');
      const meta = await sharp(Buffer.from(await (await fetch(last.outputs[0].url)).arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 160, 120]);
    });

    it.each([2, 4])('Topaz Image Upscale ×%i: the image as image_url, the common scale as Kie\'s string upscale_factor, no prompt; the result is %i× the input', async (scale) => {
      const { body } = await submitted(request('kie/topaz-image-upscale', { inputImages: ['https://img.example/small.png'], parameters: { scale } }));
      expect(body).toEqual({
        model: 'topaz/image-upscale',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { image_url: 'https://img.example/small.png', upscale_factor: String(scale) },
      });
      const req = request('kie/topaz-image-upscale', { inputImages: ['https://img.example/small.png'], parameters: { scale } });
      const last = (await pollToEnd((await submitted(req)).taskId, req)).at(-1)!;
      if (last.status !== 'succeeded' || last.outputs[0]?.type !== 'url') throw new Error('not succeeded');
      const meta = await sharp(Buffer.from(await (await fetch(last.outputs[0].url)).arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 40 * scale, 30 * scale]);
    });

    it('Topaz Image Upscale offers the factors Kie documents (1, 2, 4, 8) and prices them by output size', () => {
      const topaz = kieModels.find((m) => m.id === 'kie/topaz-image-upscale')!;
      expect([1, 2, 4, 8, 3, 16].map((scale) => topaz.parameters.safeParse({ scale }).success)).toEqual([true, true, true, true, false, false]);
      expect(topaz.parameters.safeParse({ upscale_factor: '2' }).success).toBe(false);
      expect([1, 2, 4, 8].map((scale) => topaz.price!({ scale }, 1))).toEqual([0.05, 0.05, 0.1, 0.2]);
    });

    it('Sora watermark remover: the Sora link as video_url, no prompt sent; other links are refused by the schema', async () => {
      const { body } = await submitted(request('kie/sora-watermark-remover', { parameters: { video_url: 'https://sora.chatgpt.com/p/s_68e83bd7eee88191' } }));
      expect(body).toEqual({
        model: 'sora-watermark-remover',
        callBackUrl: 'https://genflow.example/hooks/kie',
        input: { video_url: 'https://sora.chatgpt.com/p/s_68e83bd7eee88191' },
      });
      const schema = kieModels.find((m) => m.id === 'kie/sora-watermark-remover')!.parameters;
      expect(schema.safeParse({ video_url: 'https://example.com/video.mp4' }).success).toBe(false);
      expect(schema.safeParse({}).success).toBe(false);
    });

    it('refuses inline images and impossible counts before calling Kie', async () => {
      const before = fake.server.requests.length;
      expect((await caught(adapter.submit(request('kie/nano-banana', { inputImages: ['data:image/png;base64,iVBORw0KGgo='] }), ctx))).code).toBe('INVALID_PARAMETERS');
      expect((await caught(adapter.submit(request('kie/4o-image', { numberOfOutputs: 3 }), ctx))).code).toBe('INVALID_PARAMETERS');
      expect((await caught(adapter.submit(request('kie/flux-kontext-pro', { inputImages: ['https://img.example/x.png'], parameters: { safetyTolerance: 5 } }), ctx))).message).toContain('safetyTolerance');
      expect(fake.server.requests.length).toBe(before);
    });
  });

  describe('extends a finished Veo 3.1 or Runway video by its Kie task id', () => {
    async function finished(model: string): Promise<string> {
      const req = request(model);
      const { taskId } = await submitted(req);
      const seen = await pollToEnd(taskId, req);
      expect(seen.at(-1)!.status).toBe('succeeded');
      return taskId;
    }

    it('Veo 3.1 extend: taskId and prompt to /veo/extend, polled on Veo\'s record endpoint to a new clip', async () => {
      const source = await finished('kie/veo3-fast');
      const req = request('kie/veo3.1-extend', { prompt: 'the boat sails into the fog', parameters: { taskId: source, model: 'quality', seeds: 12345 } });
      const { taskId, body } = await submitted(req);
      expect(fake.server.requests.at(-1)?.path).toBe('/api/v1/veo/extend');
      expect(body).toEqual({ taskId: source, prompt: 'the boat sails into the fog', model: 'quality', seeds: 12345, callBackUrl: 'https://genflow.example/hooks/kie' });
      const last = (await pollToEnd(taskId, req)).at(-1)!;
      if (last.status !== 'succeeded' || last.outputs[0]?.type !== 'url') throw new Error('not succeeded');
      expect(fake.server.requests.at(-1)?.path).toBe('/api/v1/veo/record-info');
      expect(last.outputs[0].url).not.toBe(fake.tasks.get(source)!.urls[0]);
      expect((await fetch(last.outputs[0].url)).headers.get('content-type')).toBe('video/mp4');
    });

    it('Runway extend: resolution becomes quality, polled on Runway\'s record endpoint', async () => {
      const source = await finished('kie/runway');
      const req = request('kie/runway-extend', { parameters: { taskId: source, resolution: '1080p' } });
      const { taskId, body } = await submitted(req);
      expect(fake.server.requests.at(-1)?.path).toBe('/api/v1/runway/extend');
      expect(body).toEqual({ taskId: source, prompt: 'a lighthouse at dawn', quality: '1080p', waterMark: '', callBackUrl: 'https://genflow.example/hooks/kie' });
      expect((await pollToEnd(taskId, req)).at(-1)!.status).toBe('succeeded');
      const extend = kieModels.find((m) => m.id === 'kie/runway-extend')!;
      expect([extend.price!({ taskId: 'x' }, 1), extend.price!({ taskId: 'x', resolution: '1080p' }, 1)]).toEqual([0.06, 0.15]);
    });

    it('a task that is not a finished video of the family is refused by Kie → INVALID_PARAMETERS', async () => {
      const unfinished = (await submitted(request('kie/veo3'))).taskId;
      expect((await caught(adapter.submit(request('kie/veo3.1-extend', { parameters: { taskId: unfinished } }), ctx))).message).toContain('not finished');
      const runway = await finished('kie/runway');
      const wrongFamily = await caught(adapter.submit(request('kie/veo3.1-extend', { parameters: { taskId: runway } }), ctx));
      expect([wrongFamily.code, wrongFamily.message]).toEqual(['INVALID_PARAMETERS', expect.stringContaining('not a task of this API')]);
      expect(kieModels.find((m) => m.id === 'kie/veo3.1-extend')!.parameters.safeParse({}).success).toBe(false);
    });
  });

  describe('maps every status of every family', () => {
    const cases: Array<[string, Partial<GenerationRequest>, number, string]> = [
      ['kie/sora-2-pro', {}, 1, 'video/mp4'],
      ['kie/kling-v2.1-standard', { inputImages: ['https://img.example/first.png'] }, 1, 'video/mp4'],
      ['kie/wan-2.2-a14b-turbo', {}, 1, 'video/mp4'],
      ['kie/bytedance-v1-pro', { inputImages: ['https://img.example/first.png'], kind: 'image-to-video' }, 1, 'video/mp4'],
      ['kie/nano-banana-upscale', { inputImages: ['https://img.example/small.png'] }, 1, 'image/png'],
      ['kie/sora-watermark-remover', { parameters: { video_url: 'https://sora.chatgpt.com/p/s_1' } }, 1, 'video/mp4'],
      ['kie/4o-image', { numberOfOutputs: 2 }, 2, 'image/png'],
      ['kie/flux-kontext-pro', {}, 1, 'image/jpeg'],
      ['kie/seedream-v4', { numberOfOutputs: 2 }, 2, 'image/png'],
      ['kie/sora-2', {}, 1, 'video/mp4'],
      ['kie/wan-2.5', { inputImages: ['https://img.example/first.png'] }, 1, 'video/mp4'],
      ['kie/veo3', {}, 1, 'video/mp4'],
      ['kie/runway', {}, 1, 'video/mp4'],
      ['kie/midjourney', {}, 4, 'image/png'],
    ];
    it.each(cases)('%s: generating → succeeded with the result URLs, whose bytes are the fake files', async (model, overrides, count, type) => {
      const req = request(model, overrides);
      const { taskId } = await submitted(req);
      const seen = await pollToEnd(taskId, req);
      expect(seen.slice(0, -1).every((r) => r.status === 'running' || r.status === 'pending')).toBe(true);
      expect(seen).toHaveLength(3);
      const last = seen.at(-1)!;
      if (last.status !== 'succeeded') throw new Error('not succeeded');
      expect(last.outputs).toHaveLength(count);
      for (const output of last.outputs) {
        if (output.type !== 'url') throw new Error('expected a url output');
        const res = await fetch(output.url);
        expect(res.headers.get('content-type')).toBe(type);
        expect(Buffer.from(await res.arrayBuffer()).equals(fake.files.get(output.url.split('/').pop()!)!.data)).toBe(true);
      }
    });

    it('jobs API: waiting is pending, generating is running with progress', async () => {
      const req = request('kie/nano-banana');
      const { taskId } = await submitted(req);
      fake.pollsUntilDone = 3;
      expect(await adapter.poll!(taskId, req, ctx)).toEqual({ status: 'pending' });
      expect((await adapter.poll!(taskId, req, ctx)).status).toBe('running');
    });

    it('4o image reports progress between 0 and 1', async () => {
      const req = request('kie/4o-image');
      const { taskId } = await submitted(req);
      const first = await adapter.poll!(taskId, req, ctx);
      expect(first).toEqual({ status: 'running', progress: 0.33 });
    });
  });

  describe('maps failed tasks onto the taxonomy', () => {
    const failures: Array<[string, number, string, string]> = [
      ['kie/4o-image', 400, 'Your content was flagged by OpenAI as violating content policies', 'CONTENT_REJECTED'],
      ['kie/4o-image', 451, 'Failed to download the image from filesUrl', 'INPUT_FETCH_FAILED'],
      ['kie/flux-kontext-pro', 501, 'Image generation task failed', 'PROVIDER_ERROR'],
      ['kie/nano-banana', 500, 'Internal error, please try again later', 'PROVIDER_ERROR'],
      ['kie/veo3-fast', 400, 'Your prompt was flagged by Website as violating content policies', 'CONTENT_REJECTED'],
      ['kie/midjourney', 400, 'Invalid image format', 'INVALID_PARAMETERS'],
      ['kie/runway', 400, 'Your prompt was caught by our AI moderator', 'CONTENT_REJECTED'],
    ];
    it.each(failures)('%s: task error %i → %s (%s)', async (model, code, message, expected) => {
      fake.failTasksWith = { code, message };
      fake.pollsUntilDone = 0;
      const req = request(model);
      const { taskId } = await submitted(req);
      const err = await caught(adapter.poll!(taskId, req, ctx));
      expect(err.code).toBe(expected);
      expect(err.retryable).toBe(false);
      expect(err.message).toContain(message);
    });
  });

  describe('maps request errors onto the taxonomy', () => {
    it('a wrong key → AUTHENTICATION_FAILED, without the key in the message', async () => {
      const err = await caught(adapter.submit(request('kie/4o-image'), { ...ctx, apiKey: 'kie-wrong-secret' }));
      expect(err.code).toBe('AUTHENTICATION_FAILED');
      expect(err.message).not.toContain('kie-wrong-secret');
    });

    it('a body the API rejects → INVALID_PARAMETERS with its message', async () => {
      // A jobs model that needs images, called straight with none: the fake validates like Kie.
      fake.server.inject({ json: { code: 422, msg: 'image_urls is required (1 to 10 URLs)', data: null } });
      const err = await caught(adapter.submit(request('kie/nano-banana'), ctx));
      expect(err.code).toBe('INVALID_PARAMETERS');
      expect(err.message).toContain('image_urls');
    });

    const envelopes: Array<[number, string, string, boolean]> = [
      [402, 'Credits insufficient', 'QUOTA_EXCEEDED', false],
      [433, 'Sub-key usage exceeds the limit', 'QUOTA_EXCEEDED', false],
      [429, 'Rate limited', 'RATE_LIMITED', true],
      [455, 'Service unavailable: maintenance', 'PROVIDER_UNAVAILABLE', true],
      [500, 'Server error', 'PROVIDER_UNAVAILABLE', true],
      [501, 'Generation failed', 'PROVIDER_ERROR', false],
      [505, 'The feature is disabled', 'UNSUPPORTED_CAPABILITY', false],
      [550, 'The queue is full', 'PROVIDER_UNAVAILABLE', true],
    ];
    it.each(envelopes)('envelope code %i (%s) → %s', async (code, msg, expected, retryable) => {
      fake.server.inject({ json: { code, msg, data: null } });
      const err = await caught(adapter.submit(request('kie/veo3'), ctx));
      expect([err.code, err.retryable]).toEqual([expected, retryable]);
      expect(err.message).toContain(msg);
    });

    it('HTTP 429 with Retry-After → RATE_LIMITED with the delay', async () => {
      fake.rateLimit(1, 2);
      const err = await caught(adapter.submit(request('kie/midjourney'), ctx));
      expect(err.code).toBe('RATE_LIMITED');
      expect(err.retryAfterMs).toBe(2000);
    });

    it('the outage switch makes polls fail as retryable', async () => {
      const req = request('kie/seedream-v4');
      const { taskId } = await submitted(req);
      fake.outageCode = 455;
      const err = await caught(adapter.poll!(taskId, req, ctx));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    });

    it('an unknown task → PROVIDER_ERROR', async () => {
      expect((await caught(adapter.poll!('task_nope', request('kie/sora-2'), ctx))).code).toBe('PROVIDER_ERROR');
    });
  });

  describe('every create body uses only the field names of its model\'s page on docs.kie.ai (providers/kie/wire-fields.ts)', () => {
    const img = ['https://img.example/a.png'];
    const two = ['https://img.example/a.png', 'https://img.example/b.png'];
    it.each([
      ['gpt4o-image', 'kie/4o-image', { size: '3:2', isEnhance: true }, img],
      ['flux-kontext', 'kie/flux-kontext-pro', { aspectRatio: '4:3', promptUpsampling: true }, img],
      ['google/nano-banana', 'kie/nano-banana', { aspect_ratio: '21:9', output_format: 'jpeg' }, []],
      ['google/nano-banana-edit', 'kie/nano-banana', { aspect_ratio: '4:5' }, two],
      ['bytedance/seedream-v4-text-to-image', 'kie/seedream-v4', { image_size: 'portrait_4_3', seed: 1 }, []],
      ['bytedance/seedream-v4-edit', 'kie/seedream-v4', { image_resolution: '4K' }, img],
      ['sora-2-text-to-video', 'kie/sora-2', { aspectRatio: '9:16' }, []],
      ['sora-2-image-to-video', 'kie/sora-2', { durationSeconds: 15 }, img],
      ['kling/v2-5-turbo-text-to-video-pro', 'kie/kling-v2.5-turbo-pro', { negative_prompt: 'blur', aspectRatio: '1:1' }, []],
      ['kling/v2-5-turbo-image-to-video-pro', 'kie/kling-v2.5-turbo-pro', { negative_prompt: 'blur' }, img],
      ['wan/2-5-text-to-video', 'kie/wan-2.5', { negative_prompt: 'blur', seed: 2 }, []],
      ['wan/2-5-image-to-video', 'kie/wan-2.5', { resolution: '720p' }, img],
      ['veo', 'kie/veo3', { aspectRatio: '16:9', watermark: 'gf' }, two],
      ['runway', 'kie/runway', { aspectRatio: '4:3' }, []],
      ['runway', 'kie/runway', {}, img],
      ['midjourney', 'kie/midjourney', { variety: 5 }, img],
      ['sora-2-pro-text-to-video', 'kie/sora-2-pro', { size: 'high', aspectRatio: '9:16' }, []],
      ['sora-2-pro-image-to-video', 'kie/sora-2-pro', { durationSeconds: 15 }, img],
      ['sora-watermark-remover', 'kie/sora-watermark-remover', { video_url: 'https://sora.chatgpt.com/p/s_2' }, []],
      ['nano-banana-upscale', 'kie/nano-banana-upscale', { scale: 2 }, img],
      ['topaz/image-upscale', 'kie/topaz-image-upscale', { scale: 8 }, img],
      ['kling/v2-1-standard', 'kie/kling-v2.1-standard', { negative_prompt: 'blur' }, img],
      ['kling/v2-1-pro', 'kie/kling-v2.1-pro', { durationSeconds: 10 }, two],
      ['wan/2-2-a14b-text-to-video-turbo', 'kie/wan-2.2-a14b-turbo', { resolution: '480p', seed: 1, acceleration: 'regular' }, []],
      ['wan/2-2-a14b-image-to-video-turbo', 'kie/wan-2.2-a14b-turbo', { enable_prompt_expansion: true }, img],
      ['bytedance/v1-pro-text-to-video', 'kie/bytedance-v1-pro', { seed: 3, aspectRatio: '4:3' }, []],
      ['bytedance/v1-pro-image-to-video', 'kie/bytedance-v1-pro', { resolution: '480p' }, img],
    ] as const)('%s (%s)', async (family, model, parameters, inputImages) => {
      const kind = inputImages.length
        ? model.includes('upscale')
          ? 'upscale'
          : model.includes('sora') || model.includes('kling') || model.includes('wan') || model.includes('veo') || model.includes('runway') || model.includes('bytedance')
            ? 'image-to-video'
            : 'image-to-image'
        : undefined;
      await submitted(request(model, { parameters, inputImages: [...inputImages], ...(kind ? { kind } : {}) }));
      const body = await expectDocumentedFields(kieWireFields, family, fake.server.requests.filter((r) => r.method === 'POST').at(-1)!);
      if (body.model !== undefined && family.includes('/')) expect(body.model).toBe(family);
    });
  });

  it('extend bodies use only the field names of Kie\'s extend pages', async () => {
    fake.pollsUntilDone = 0;
    for (const [family, source, extend] of [
      ['veo-extend', 'kie/veo3', 'kie/veo3.1-extend'],
      ['runway-extend', 'kie/runway', 'kie/runway-extend'],
    ] as const) {
      const req = request(source);
      const { taskId } = await submitted(req);
      await adapter.poll!(taskId, req, ctx);
      await submitted(request(extend, { parameters: { taskId } }));
      await expectDocumentedFields(kieWireFields, family, fake.server.requests.filter((r) => r.method === 'POST').at(-1)!);
    }
  });

  it('prices 4o image by the seed rule and Midjourney by speed', () => {
    const gpt4o = kieModels.find((m) => m.id === 'kie/4o-image')!;
    expect([1, 2, 4].map((n) => gpt4o.price!({}, n))).toEqual([0.03, 0.035, 0.04]);
    const mj = kieModels.find((m) => m.id === 'kie/midjourney')!;
    expect(mj.price!({ speed: 'relaxed' }, 1)).toBeLessThan(mj.price!({ speed: 'turbo' }, 1));
  });

  it('feeds envelope errors to the key pool: a rejected key leaves the rotation, the next key is used', async () => {
    fake.apiKeys = new Set([KEY]);
    const runtime = createProviderGateway({ dataDir: '/nonexistent', env: { GENFLOW_KIE_BASE_URL: fake.url, GENFLOW_KIE_API_KEYS: `kie-revoked-key,${KEY}` } });
    const req = request('kie/nano-banana');
    const first = await caught(runtime.call('kie', { generationId: 'g', attempt: 1 }, (a, c) => a.submit(req, c)));
    expect([first.code, first.retryable]).toEqual(['AUTHENTICATION_FAILED', true]);
    const second = await runtime.call('kie', { generationId: 'g', attempt: 2 }, (a, c) => a.submit(req, c));
    expect(second.status).toBe('pending');
    const kie = (await runtime.status()).find((p) => p.id === 'kie')!;
    expect(kie.keys.map((k) => k.status)).toEqual(['disabled', 'active']);
    expect(JSON.stringify(kie)).not.toContain('kie-revoked-key');
  });
});
