import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { type FakeRequest, type FakeResponse } from './fake-server';
import { jpegImage, mp4Video, pngImage } from './media';
import { ProviderFake } from './provider-fake';

/**
 * A local Kie.ai speaking its documented wire format: `{ code, msg, data }` envelopes with
 * HTTP 200 (errors in `code`), bearer auth, create endpoints per API family validating their
 * bodies, record endpoints whose state advances on each poll, and result files served here.
 * Each key is an account of its own: a task is found only with the key that created it.
 */
type Api = 'gpt4o-image' | 'flux-kontext' | 'jobs' | 'veo' | 'veo-extend' | 'runway' | 'runway-extend' | 'midjourney';

interface Task {
  id: string;
  api: Api;
  /** The key that created it: Kie's tasks belong to the account, another key is told they do not exist. */
  owner: string;
  body: Record<string, unknown>;
  polls: number;
  urls: string[];
  /** Set once a record poll has reported the task successful (only such a video can be extended). */
  succeeded?: boolean;
}

export interface KieFailure {
  /** The task's errorCode / failCode. */
  code: number;
  message: string;
}

const IMAGE_RATIOS = ['1:1', '9:16', '16:9', '3:4', '4:3', '3:2', '2:3', '5:4', '4:5', '21:9', 'auto'];
/**
 * Market models and the `input` fields each one's page on docs.kie.ai lists. Kie validates
 * `input` per model, so a field from another model's page (nano-banana's `aspect_ratio`, which
 * only nano-banana-edit takes) is refused here with 422 instead of silently dropped.
 */
const VIDEO_T2V = ['prompt', 'duration', 'aspect_ratio', 'negative_prompt', 'cfg_scale'];
const WAN = ['prompt', 'duration', 'resolution', 'negative_prompt', 'enable_prompt_expansion', 'seed', 'nsfw_checker'];
const SEEDREAM = ['prompt', 'image_size', 'image_resolution', 'max_images', 'seed', 'nsfw_checker'];
const SORA = ['prompt', 'aspect_ratio', 'n_frames', 'remove_watermark', 'character_id_list'];
const oneOf = (field: string, values: readonly unknown[]) => (input: Record<string, unknown>) =>
  input[field] === undefined || values.includes(input[field]) ? undefined : `input.${field} must be one of ${values.join(', ')}`;
const all = (...checks: Array<(input: Record<string, unknown>) => string | undefined>) => (input: Record<string, unknown>) =>
  checks.map((c) => c(input)).find((m) => m !== undefined);
const SORA_PRO = [...SORA, 'size'];
const KLING21 = ['prompt', 'image_url', 'duration', 'negative_prompt', 'cfg_scale'];
const WAN22 = ['prompt', 'resolution', 'enable_prompt_expansion', 'seed', 'acceleration'];
const WAN22_CHECK = all(oneOf('resolution', ['480p', '580p', '720p']), oneOf('acceleration', ['none', 'regular']), oneOf('aspect_ratio', ['16:9', '9:16', '1:1']));
const SEEDANCE = ['prompt', 'resolution', 'duration', 'camera_fixed', 'seed', 'enable_safety_checker'];
const SEEDANCE_CHECK = all(oneOf('resolution', ['480p', '720p', '1080p']), oneOf('duration', ['5', '10']), oneOf('aspect_ratio', ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16']));
const JOB_MODELS: Record<
  string,
  {
    images?: 'image_urls' | 'image_url' | 'image';
    video?: boolean;
    maxPrompt?: number;
    /** The model takes no prompt (Kie's page lists none): one sent is an unknown field. */
    noPrompt?: boolean;
    fields: string[];
    /** Value checks the model's page documents (enums, ranges). */
    check?: (input: Record<string, unknown>) => string | undefined;
  }
> = {
  'google/nano-banana': { fields: ['prompt', 'output_format', 'image_size'] },
  'google/nano-banana-edit': { images: 'image_urls', fields: ['prompt', 'image_urls', 'output_format', 'aspect_ratio', 'image_size'] },
  'bytedance/seedream-v4-text-to-image': { fields: SEEDREAM },
  'bytedance/seedream-v4-edit': { images: 'image_urls', fields: [...SEEDREAM, 'image_urls'] },
  'sora-2-text-to-video': { video: true, fields: SORA },
  'sora-2-image-to-video': { images: 'image_urls', video: true, fields: [...SORA, 'image_urls'] },
  'kling/v2-5-turbo-text-to-video-pro': { video: true, fields: VIDEO_T2V },
  'kling/v2-5-turbo-image-to-video-pro': { images: 'image_url', video: true, fields: ['prompt', 'image_url', 'tail_image_url', 'duration', 'negative_prompt', 'cfg_scale'] },
  'wan/2-5-text-to-video': { video: true, maxPrompt: 800, fields: [...WAN, 'aspect_ratio'] },
  'wan/2-5-image-to-video': { images: 'image_url', video: true, maxPrompt: 800, fields: [...WAN, 'image_url'] },
  'sora-2-pro-text-to-video': { video: true, fields: SORA_PRO, check: all(oneOf('size', ['standard', 'high']), oneOf('n_frames', ['10', '15'])) },
  'sora-2-pro-image-to-video': { images: 'image_urls', video: true, fields: [...SORA_PRO, 'image_urls'], check: all(oneOf('size', ['standard', 'high']), oneOf('n_frames', ['10', '15'])) },
  'sora-watermark-remover': {
    video: true,
    noPrompt: true,
    fields: ['video_url', 'upload_method'],
    check: (input) => (typeof input.video_url === 'string' && input.video_url.startsWith('https://sora.chatgpt.com/') ? undefined : 'input.video_url must be a public Sora video link (https://sora.chatgpt.com/...)'),
  },
  'nano-banana-upscale': {
    images: 'image',
    noPrompt: true,
    fields: ['image', 'scale', 'face_enhance'],
    check: (input) => (input.scale === undefined || (Number.isInteger(input.scale) && (input.scale as number) >= 1 && (input.scale as number) <= 4) ? undefined : 'input.scale must be an integer from 1 to 4'),
  },
  // docs.kie.ai/market/topaz/image-upscale: the factor is a string; the output's longest side is at most 20,000 px.
  'topaz/image-upscale': {
    images: 'image_url',
    noPrompt: true,
    fields: ['image_url', 'upscale_factor'],
    check: oneOf('upscale_factor', ['1', '2', '4', '8']),
  },
  'kling/v2-1-standard': { images: 'image_url', video: true, fields: KLING21, check: oneOf('duration', ['5', '10']) },
  'kling/v2-1-pro': { images: 'image_url', video: true, fields: [...KLING21, 'tail_image_url'], check: oneOf('duration', ['5', '10']) },
  'wan/2-2-a14b-text-to-video-turbo': { video: true, fields: [...WAN22, 'aspect_ratio'], check: WAN22_CHECK },
  'wan/2-2-a14b-image-to-video-turbo': { images: 'image_url', video: true, fields: [...WAN22, 'image_url'], check: WAN22_CHECK },
  'bytedance/v1-pro-text-to-video': { video: true, fields: [...SEEDANCE, 'aspect_ratio'], check: SEEDANCE_CHECK },
  'bytedance/v1-pro-image-to-video': { images: 'image_url', video: true, fields: [...SEEDANCE, 'image_url'], check: SEEDANCE_CHECK },
};

const envelope = (code: number, msg: string, data: unknown = null): FakeResponse => ({ json: { code, msg, data } });

function isUrl(v: unknown): boolean {
  return typeof v === 'string' && /^https?:\/\/\S+$/.test(v);
}

export class KieFake extends ProviderFake {
  readonly tasks = new Map<string, Task>();
  readonly files = new Map<string, { data: Buffer; contentType: string }>();
  /** Keys the fake accepts. */
  apiKeys = new Set<string>(['kie-test-key']);
  /** Record polls that report "still generating" before the result is there. */
  pollsUntilDone = 2;
  /** The switch: tasks end failed with this code and message. */
  failTasksWith: KieFailure | undefined;
  /** The switch for outages: every call answers this envelope code (e.g. 455 maintenance). */
  outageCode: number | undefined;
  /** Credits a finished jobs-API task reports in `creditsConsumed`: a success's, and a failure's (0: refunded). */
  creditsPerTask = 4;
  creditsPerFailedTask = 0;
  /**
   * Download the upscaler's input image, as Kie does, and return it `scale` times larger (an
   * end-to-end test's image is on a reachable server); off, a stand-in image is returned for
   * URLs like https://img.example/… that only contract tests send.
   */
  downloadInputs = false;

  protected override routes(): void {
    const families: Array<[Api, string, string]> = [
      ['gpt4o-image', '/api/v1/gpt4o-image/generate', '/api/v1/gpt4o-image/record-info'],
      ['flux-kontext', '/api/v1/flux/kontext/generate', '/api/v1/flux/kontext/record-info'],
      ['jobs', '/api/v1/jobs/createTask', '/api/v1/jobs/recordInfo'],
      ['veo', '/api/v1/veo/generate', '/api/v1/veo/record-info'],
      ['runway', '/api/v1/runway/generate', '/api/v1/runway/record-detail'],
      ['midjourney', '/api/v1/mj/generate', '/api/v1/mj/record-info'],
    ];
    for (const [api, create, record] of families) {
      this.server.route('POST', create, (req) => this.guard(req, (key) => this.create(api, req, key)));
      this.server.route('GET', record, (req) => this.guard(req, (key) => this.record(api, req, key)));
    }
    // Extensions are created on their own endpoints and read on their family's record endpoint.
    this.server.route('POST', '/api/v1/veo/extend', (req) => this.guard(req, (key) => this.create('veo-extend', req, key)));
    this.server.route('POST', '/api/v1/runway/extend', (req) => this.guard(req, (key) => this.create('runway-extend', req, key)));
    this.server.route('GET', '/files/:name', (req) => {
      const file = this.files.get(req.params.name ?? '');
      return file ? { body: file.data, headers: { 'content-type': file.contentType } } : { status: 404, body: 'not found' };
    });
  }

  /** The next `times` calls get HTTP 429 with Retry-After, as a gateway in front of Kie would answer. */
  rateLimit(times = 1, retryAfterSeconds = 1): void {
    this.server.inject({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, json: { code: 429, msg: 'Rate limit exceeded' } }, times);
  }

  /** Creates calls seen, newest last. */
  createBodies(): Array<Record<string, unknown>> {
    return this.server.requests.filter((r) => r.method === 'POST').map((r) => r.json as Record<string, unknown>);
  }

  private guard(req: FakeRequest, handle: (key: string) => FakeResponse | Promise<FakeResponse>): FakeResponse | Promise<FakeResponse> {
    const auth = req.headers.authorization ?? '';
    const key = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!this.apiKeys.has(key)) return envelope(401, 'You do not have access permissions');
    if (this.outageCode !== undefined) return envelope(this.outageCode, 'The system is currently undergoing maintenance');
    return handle(key);
  }

  private validate(api: Api, body: Record<string, unknown>, owner: string): string | undefined {
    if (body.callBackUrl !== undefined && !isUrl(body.callBackUrl)) return 'callBackUrl is not a valid URL';
    const prompt = body.prompt;
    switch (api) {
      case 'gpt4o-image': {
        if (!['1:1', '3:2', '2:3'].includes(body.size as string)) return 'size is required and must be one of 1:1, 3:2, 2:3';
        const files = body.filesUrl as unknown[] | undefined;
        if (!prompt && !files?.length) return 'prompt or filesUrl is required';
        if (files && (files.length > 5 || !files.every(isUrl))) return 'filesUrl supports at most 5 image URLs';
        if (body.nVariants !== undefined && ![1, 2, 4].includes(body.nVariants as number)) return 'nVariants must be 1, 2 or 4';
        return undefined;
      }
      case 'flux-kontext': {
        if (typeof prompt !== 'string' || !prompt) return 'prompt is required';
        if (!['flux-kontext-pro', 'flux-kontext-max'].includes((body.model as string) ?? 'flux-kontext-pro')) return 'model is invalid';
        if (body.aspectRatio !== undefined && !['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'].includes(body.aspectRatio as string)) return 'aspectRatio is invalid';
        const max = body.inputImage ? 2 : 6;
        const tolerance = (body.safetyTolerance as number | undefined) ?? 2;
        if (tolerance < 0 || tolerance > max) return `Safety tolerance out of range, should be 0-${max}`;
        if (body.inputImage !== undefined && !isUrl(body.inputImage)) return 'inputImage must be a URL';
        return undefined;
      }
      case 'jobs': {
        const spec = JOB_MODELS[body.model as string];
        if (!spec) return `model ${String(body.model)} is not supported`;
        const input = body.input as Record<string, unknown> | undefined;
        if (!input || typeof input !== 'object') return 'input is required';
        const unknown = Object.keys(input).filter((k) => !spec.fields.includes(k));
        if (unknown.length) return `input.${unknown[0]} is not a parameter of ${String(body.model)}`;
        if (!spec.noPrompt) {
          if (typeof input.prompt !== 'string' || !input.prompt) return 'input.prompt is required';
          const maxPrompt = spec.maxPrompt ?? (spec.video ? 10_000 : 5000);
          if (input.prompt.length > maxPrompt) return `input.prompt exceeds ${maxPrompt} characters`;
        }
        const problem = spec.check?.(input);
        if (problem) return problem;
        for (const field of ['aspect_ratio', 'image_size'] as const) {
          if (input[field] !== undefined && typeof body.model === 'string' && body.model.startsWith('google/') && !IMAGE_RATIOS.includes(input[field] as string)) return `input.${field} is invalid`;
        }
        if (spec.images === 'image_urls') {
          const urls = input.image_urls as unknown[] | undefined;
          if (!urls?.length || urls.length > 10 || !urls.every(isUrl)) return 'image_urls is required (1 to 10 URLs)';
        } else if ((spec.images === 'image_url' || spec.images === 'image') && !isUrl(input[spec.images])) {
          return `${spec.images} is required`;
        } else if (input.tail_image_url !== undefined && !isUrl(input.tail_image_url)) {
          return 'tail_image_url must be a URL';
        } else if (!spec.images && (input.image_urls !== undefined || input.image_url !== undefined || input.image !== undefined)) {
          return `model ${String(body.model)} takes no input images`;
        }
        if (input.max_images !== undefined && (typeof input.max_images !== 'number' || input.max_images < 1 || input.max_images > 6)) return 'max_images must be 1 to 6';
        return undefined;
      }
      case 'veo': {
        if (typeof prompt !== 'string' || !prompt) return 'prompt is required';
        if (!['veo3', 'veo3_fast', 'veo3_lite'].includes((body.model as string) ?? 'veo3_fast')) return 'model is invalid';
        if (body.aspectRatio !== undefined && !['16:9', '9:16', 'Auto'].includes(body.aspectRatio as string)) return 'aspectRatio is invalid';
        const urls = body.imageUrls as unknown[] | undefined;
        if (urls && (urls.length > 3 || !urls.every(isUrl))) return 'imageUrls supports 1 to 3 URLs';
        return undefined;
      }
      case 'veo-extend':
      case 'runway-extend': {
        // Kie extends only a finished video it made itself, of the same family, for the same
        // account: another account's task id is one that does not exist.
        const family = api === 'veo-extend' ? ['veo', 'veo-extend'] : ['runway', 'runway-extend'];
        const source = this.tasks.get(typeof body.taskId === 'string' ? body.taskId : '');
        if (!source || source.owner !== owner || !family.includes(source.api)) return 'taskId is not a task of this API';
        if (!source.succeeded) return 'the source task has not finished successfully';
        if (typeof prompt !== 'string' || !prompt) return 'prompt is required';
        if (api === 'veo-extend' && body.model !== undefined && !['fast', 'quality'].includes(body.model as string)) return 'model must be fast or quality';
        if (api === 'runway-extend' && !['720p', '1080p'].includes(body.quality as string)) return 'quality must be 720p or 1080p';
        if (api === 'runway-extend' && prompt.length > 1800) return 'prompt is at most 1800 characters';
        return undefined;
      }
      case 'runway': {
        if (typeof prompt !== 'string' || !prompt || prompt.length > 1800) return 'prompt is required (at most 1800 characters)';
        if (![5, 10].includes(body.duration as number)) return 'duration must be 5 or 10';
        if (!['720p', '1080p'].includes(body.quality as string)) return 'quality must be 720p or 1080p';
        if (body.duration === 10 && body.quality === '1080p') return '10 second videos cannot be 1080p';
        if (body.imageUrl === undefined && !['16:9', '4:3', '1:1', '3:4', '9:16'].includes(body.aspectRatio as string)) return 'aspectRatio is required for text-to-video';
        if (body.imageUrl !== undefined && !isUrl(body.imageUrl)) return 'imageUrl must be a URL';
        return undefined;
      }
      case 'midjourney': {
        if (!['mj_txt2img', 'mj_img2img', 'mj_video'].includes(body.taskType as string)) return 'taskType is invalid';
        if (typeof prompt !== 'string' || !prompt) return 'prompt is required';
        if (body.taskType !== 'mj_txt2img' && !(body.fileUrls as unknown[] | undefined)?.length) return 'fileUrls is required for this taskType';
        if (body.speed !== undefined && !['relaxed', 'fast', 'turbo'].includes(body.speed as string)) return 'speed is invalid';
        return undefined;
      }
    }
  }

  private async create(api: Api, req: FakeRequest, owner: string): Promise<FakeResponse> {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return envelope(400, 'The request body is not valid JSON');
    const problem = this.validate(api, body, owner);
    if (problem) return envelope(422, problem);
    const id = `${api === 'jobs' ? 'task' : api}_${randomUUID().replace(/-/g, '')}`;
    let urls: string[];
    try {
      urls = await this.makeResults(api, id, body);
    } catch {
      return envelope(451, 'Failed to fetch the image. Kindly verify any access limits set by you or your service provider.');
    }
    this.tasks.set(id, { id, api, owner, body, polls: 0, urls });
    return envelope(200, 'success', { taskId: id });
  }

  /** Real files for the task's results, served from this fake. */
  private async makeResults(api: Api, id: string, body: Record<string, unknown>): Promise<string[]> {
    const video = api === 'veo' || api === 'veo-extend' || api === 'runway' || api === 'runway-extend' || (api === 'jobs' && JOB_MODELS[body.model as string]?.video === true);
    const input = (body.input ?? {}) as Record<string, unknown>;
    if (api === 'jobs' && (body.model === 'nano-banana-upscale' || body.model === 'topaz/image-upscale')) return [await this.upscaled(id, input)];
    const count = api === 'midjourney' ? 4 : api === 'gpt4o-image' ? ((body.nVariants as number | undefined) ?? 1) : api === 'jobs' ? ((input.max_images as number | undefined) ?? 1) : 1;
    const urls: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${id}_${i}.${video ? 'mp4' : api === 'flux-kontext' ? 'jpg' : 'png'}`;
      const data = video ? mp4Video(8, 320 + 16 * i, 180) : api === 'flux-kontext' ? await jpegImage(96, 64) : await pngImage(64 + 8 * i, 48);
      this.files.set(name, { data, contentType: video ? 'video/mp4' : api === 'flux-kontext' ? 'image/jpeg' : 'image/png' });
      urls.push(`${this.url}/files/${name}`);
    }
    return urls;
  }

  /** The upscaler's result: the input image (downloaded, or a stand-in) `scale` times larger, as PNG. */
  /** The upscalers' result: the input (Nano Banana's `image`, Topaz's `image_url`) at the factor's size. */
  private async upscaled(id: string, input: Record<string, unknown>): Promise<string> {
    const scale = input.upscale_factor !== undefined ? Number(input.upscale_factor) : ((input.scale as number | undefined) ?? 2);
    let source: Buffer;
    if (this.downloadInputs) {
      const res = await fetch(String(input.image ?? input.image_url));
      if (!res.ok) throw new Error(`image download: ${res.status}`);
      source = Buffer.from(await res.arrayBuffer());
    } else {
      source = await pngImage(40, 30);
    }
    const meta = await sharp(source).metadata();
    const data = await sharp(source).resize(meta.width * scale, meta.height * scale).png().toBuffer();
    const name = `${id}_0.png`;
    this.files.set(name, { data, contentType: 'image/png' });
    return `${this.url}/files/${name}`;
  }

  private record(api: Api, req: FakeRequest, key: string): FakeResponse {
    const task = this.tasks.get(req.query.get('taskId') ?? '');
    // An extension is read on its family's record endpoint.
    if (!task || task.api.replace('-extend', '') !== api || task.owner !== key) return envelope(404, 'The task does not exist');
    task.polls += 1;
    const done = task.polls > this.pollsUntilDone;
    const failure = done ? this.failTasksWith : undefined;
    const progress = Math.min(0.99, task.polls / (this.pollsUntilDone + 1));
    const flag = !done ? 0 : failure ? 3 : 1;
    if (done && !failure) task.succeeded = true;
    const common = { taskId: task.id, paramJson: JSON.stringify(task.body), createTime: Date.now() };
    switch (api) {
      case 'gpt4o-image':
        return envelope(200, 'success', {
          ...common,
          status: !done ? 'GENERATING' : failure ? 'GENERATE_FAILED' : 'SUCCESS',
          successFlag: !done ? 0 : failure ? 2 : 1,
          progress: done && !failure ? '1.00' : progress.toFixed(2),
          response: done && !failure ? { resultUrls: task.urls } : null,
          errorCode: failure?.code ?? null,
          errorMessage: failure?.message ?? '',
        });
      case 'flux-kontext':
        return envelope(200, 'success', {
          ...common,
          successFlag: flag,
          response: flag === 1 ? { originImageUrl: task.urls[0], resultImageUrl: task.urls[0] } : null,
          errorCode: failure?.code ?? null,
          errorMessage: failure?.message ?? '',
        });
      case 'veo':
      case 'veo-extend':
        return envelope(200, 'success', {
          ...common,
          successFlag: flag,
          response: flag === 1 ? { taskId: task.id, resultUrls: task.urls, originUrls: [], resolution: '720p' } : null,
          errorCode: failure?.code ?? null,
          errorMessage: failure?.message ?? null,
        });
      case 'midjourney':
        return envelope(200, 'success', {
          ...common,
          taskType: task.body.taskType,
          successFlag: flag,
          resultInfoJson: flag === 1 ? { resultUrls: task.urls.map((resultUrl) => ({ resultUrl })) } : null,
          errorCode: failure?.code ?? null,
          errorMessage: failure?.message ?? null,
        });
      case 'runway':
      case 'runway-extend': {
        const state = task.polls === 1 && !done ? 'wait' : !done ? 'generating' : failure ? 'fail' : 'success';
        return envelope(200, 'success', {
          taskId: task.id,
          state,
          generateParam: { prompt: task.body.prompt, imageUrl: task.body.imageUrl ?? '' },
          videoInfo: state === 'success' ? { videoId: `${task.id}_v`, videoUrl: task.urls[0], imageUrl: '' } : null,
          failCode: failure ? String(failure.code) : null,
          failMsg: failure?.message ?? null,
          generateTime: new Date().toISOString(),
          expireFlag: 0,
        });
      }
      case 'jobs': {
        const state = task.polls === 1 && !done ? 'waiting' : !done ? 'generating' : failure ? 'fail' : 'success';
        return envelope(200, 'success', {
          taskId: task.id,
          model: task.body.model,
          state,
          param: JSON.stringify(task.body),
          resultJson: state === 'success' ? JSON.stringify({ resultUrls: task.urls }) : '',
          failCode: failure ? String(failure.code) : '',
          failMsg: failure?.message ?? '',
          costTime: done ? 12_000 : null,
          creditsConsumed: !done ? 0 : failure ? this.creditsPerFailedTask : this.creditsPerTask,
          completeTime: done ? Date.now() : null,
          createTime: Date.now(),
        });
      }
    }
  }
}
