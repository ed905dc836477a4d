import { z } from 'zod';
import type { ModelSpec } from '../types';
import type { VideoWireNames } from '../video-wire';
import {
  gpt4oImageParameters,
  fluxKontextParameters,
  nanoBananaParameters,
  seedreamParameters,
  sora2Parameters,
  klingParameters,
  wanParameters,
  veoParameters,
  runwayParameters,
  midjourneyParameters,
  sora2Video,
  klingVideo,
  wanVideo,
  veoVideo,
  runwayVideo,
  sora2ProParameters,
  veoExtendParameters,
  runwayExtendParameters,
  nanoBananaUpscaleParameters,
  topazImageUpscaleParameters,
  soraWatermarkRemoverParameters,
  kling21Parameters,
  kling21Video,
  wan22Parameters,
  wan22Video,
  bytedanceV1ProParameters,
  bytedanceV1ProVideo,
} from './parameters';
import { perImage, perRequest, priced, usd } from '../pricing';

/**
 * Kie.ai exposes several API families with their own request and record shapes. A model row
 * names its family; parameter names in each schema are the wire names, so the adapter sends
 * them as they are.
 */
export type KieRoute =
  | { api: 'gpt4o-image' }
  | { api: 'flux-kontext'; model: 'flux-kontext-pro' | 'flux-kontext-max' }
  | {
      api: 'jobs';
      /** Market model used without input images (absent: the model needs images). */
      textModel?: string;
      /** Market model used with input images (absent: the model takes none). */
      imageModel?: string;
      /** The input field carrying image URLs: a list, or a single URL. */
      imageField?: 'image_urls' | 'image_url' | 'image';
      /** A second input image goes here as the last frame (Kling 2.1 pro). */
      tailImageField?: 'tail_image_url';
      /** The model takes no prompt (an upscaler, the watermark remover): none is sent. */
      noPrompt?: true;
      /** An `input` field that takes numberOfOutputs (one image per task otherwise). */
      countField?: 'max_images';
      /** Where the common `scale` goes when Kie names it otherwise, as a string (Topaz's `upscale_factor`). */
      scaleField?: 'upscale_factor';
      /**
       * Where the text model takes the `aspect_ratio` parameter when Kie names it differently
       * there: `google/nano-banana` documents `input.image_size` (with ratio values), while
       * `google/nano-banana-edit` documents `input.aspect_ratio` (docs.kie.ai/market/google/nano-banana,
       * .../nano-banana-edit; providers/kie/wire-fields.ts).
       */
      textRatioField?: 'image_size';
    }
  | { api: 'veo'; model: 'veo3' | 'veo3_fast' }
  | { api: 'veo-extend' }
  | { api: 'runway' }
  | { api: 'runway-extend' }
  | { api: 'midjourney' };

export interface KieModel extends ModelSpec {
  route: KieRoute;
  /** How many outputs one task may produce (numberOfOutputs above it is refused). */
  maxOutputs: number;
  /** The model's own prompt limit, when it is below genflow's. */
  maxPromptLength?: number;
  /** Video models: Kie's names for the normalised durationSeconds / aspectRatio / resolution. */
  videoWire?: VideoWireNames;
}

/** Kie bills in credits; the seed's pricing rules price one credit at $0.005. */
export const USD_PER_CREDIT = 0.005;
const credits = (n: number): number => Math.round(n * USD_PER_CREDIT * 10_000) / 10_000;

/** The seed's 4o rule: 1 image 6 credits, 2 images 7, 4 images 8. */
function gpt4oCredits(outputs: number): number {
  return outputs >= 4 ? 8 : outputs === 2 ? 7 : 6;
}

const MJ_CREDITS: Record<z.infer<typeof midjourneyParameters>['speed'], number> = { relaxed: 3, fast: 8, turbo: 16 };

/** Sora 2 Pro in credits by size and length (Kie's Sora 2 Pro page). */
const SORA2_PRO_CREDITS = { standard: { 10: 150, 15: 270 }, high: { 10: 330, 15: 630 } } as const;
/** Kling 2.1 in credits for a 5 s clip; 10 s costs twice as much. */
const KLING21_CREDITS = { standard: 25, pro: 50 } as const;
/** Wan 2.2 A14B Turbo, USD a second by resolution (estimate, see its notes). */
const WAN22_USD_PER_SECOND: Record<string, number> = { '480p': 0.05, '580p': 0.075, '720p': 0.1 };
/** Seedance 1.0 Pro, USD a second by resolution (estimate: $2.50 per million video tokens at 24 fps). */
const SEEDANCE_USD_PER_SECOND: Record<string, number> = { '480p': 0.0243, '720p': 0.054, '1080p': 0.1215 };

/**
 * The models Kie added beyond the first sixteen (issue #19: the seed S1 lists 32 Kie models).
 * Sora (1) is not here: Kie's docs list only the Sora 2 family now (README: Kie.ai).
 */
/**
 * Extends name their source video by Kie's task id or by the genflow generation that made it;
 * Kie extends a video of the same family only (Veo 3.1 or Runway, an extension included).
 */
const extendSource = (models: readonly string[]) => ({ taskIdParameter: 'taskId', generationParameter: 'sourceGenerationId', models });

const ADDED_MODELS: KieModel[] = [
  {
    id: 'kie/sora-2-pro',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'OpenAI Sora 2 Pro through Kie.ai: 10 or 15 second clips with audio, standard or high (1080p) size',
    parameters: sora2ProParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 300,
    maxDurationSeconds: 3600,
    video: sora2Video,
    videoWire: {
      durationSeconds: { field: 'n_frames', as: 'string' },
      aspectRatio: { field: 'aspect_ratio', values: { '16:9': 'landscape', '9:16': 'portrait' } },
    },
    price: priced(
      sora2ProParameters,
      {
        unit: 'request',
        usd: credits(SORA2_PRO_CREDITS.standard[10]),
        tiers: [
          { when: 'durationSeconds=15', usd: credits(SORA2_PRO_CREDITS.standard[15]) },
          { when: 'size=high', usd: credits(SORA2_PRO_CREDITS.high[10]) },
          { when: 'size=high, durationSeconds=15', usd: credits(SORA2_PRO_CREDITS.high[15]) },
        ],
        notes: 'Kie: 150/270 credits a 10/15 s standard clip, 330/630 high, at $0.005',
      },
      (p) => credits(SORA2_PRO_CREDITS[p.size][p.durationSeconds === 15 ? 15 : 10]),
    ),
    route: { api: 'jobs', textModel: 'sora-2-pro-text-to-video', imageModel: 'sora-2-pro-image-to-video', imageField: 'image_urls' },
    maxOutputs: 1,
  },
  {
    id: 'kie/veo3.1-extend',
    kinds: ['text-to-video'],
    description: 'Extends a Veo 3.1 video Kie made (parameter taskId: its Kie task id, or sourceGenerationId: the genflow generation that made it) with a new clip that continues it as the prompt says',
    parameters: veoExtendParameters,
    inputImages: { mode: 'url', max: 0 },
    async: true,
    expectedDurationSeconds: 120,
    maxDurationSeconds: 1800,
    price: priced(
      veoExtendParameters,
      { unit: 'request', usd: credits(60), tiers: [{ when: 'model=quality', usd: credits(250) }], notes: 'estimate: priced as a Veo 3.1 clip of the same model on Kie (60 credits fast, 250 quality, at $0.005)' },
      (p) => credits(p.model === 'quality' ? 250 : 60),
    ),
    route: { api: 'veo-extend' },
    sourceTask: extendSource(['kie/veo3', 'kie/veo3-fast', 'kie/veo3.1-extend']),
    maxOutputs: 1,
  },
  {
    id: 'kie/runway-extend',
    kinds: ['text-to-video'],
    description: 'Extends a Runway video Kie made (parameter taskId: its Kie task id, or sourceGenerationId: the genflow generation that made it); keeps its ratio, continues as the prompt says',
    parameters: runwayExtendParameters,
    inputImages: { mode: 'url', max: 0 },
    async: true,
    expectedDurationSeconds: 90,
    maxDurationSeconds: 1800,
    videoWire: { resolution: { field: 'quality' } },
    price: priced(
      runwayExtendParameters,
      { unit: 'request', usd: credits(12), tiers: [{ when: 'resolution=1080p', usd: credits(30) }], notes: 'estimate: priced as a 5 s Runway clip on Kie (12 credits at 720p, 30 at 1080p, at $0.005)' },
      (p) => credits(p.resolution === '1080p' ? 30 : 12),
    ),
    route: { api: 'runway-extend' },
    sourceTask: extendSource(['kie/runway', 'kie/runway-extend']),
    maxOutputs: 1,
    maxPromptLength: 1800,
  },
  {
    id: 'kie/nano-banana-upscale',
    kinds: ['upscale'],
    description: 'Nano Banana Upscale through Kie.ai: one image upscaled 1-4× (scale 2 or 4 for ×2/×4), optional face restoration; the prompt is not sent',
    parameters: nanoBananaUpscaleParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 20,
    maxDurationSeconds: 600,
    price: perImage(credits(2), { notes: 'estimate: Kie lists no price for the upscaler in the docs at hand; priced at 2 credits ($0.01)' }),
    route: { api: 'jobs', imageModel: 'nano-banana-upscale', imageField: 'image', noPrompt: true },
    maxOutputs: 1,
  },
  {
    id: 'kie/topaz-image-upscale',
    kinds: ['upscale'],
    description: 'Topaz Image Upscale through Kie.ai: one image upscaled ×1 (enhance only), ×2, ×4 or ×8 (scale); the prompt is not sent',
    parameters: topazImageUpscaleParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 30,
    maxDurationSeconds: 900,
    // Kie bills by the output's size (10 credits up to 2K, 20 at 4K, 40 at 8K); the input's size
    // is not known here, so the estimate takes a 1 MP (1024 px) input: ×1 and ×2 2K, ×4 4K, ×8 8K.
    price: priced(
      topazImageUpscaleParameters,
      { unit: 'image', usd: credits(10), tiers: [{ when: 'scale=4', usd: credits(20) }, { when: 'scale=8', usd: credits(40) }], notes: 'estimate: Kie bills 10 credits for an output up to 2K, 20 at 4K, 40 at 8K (at $0.005); estimated for a 1024 px input' },
      (p, n) => credits(p.scale === 8 ? 40 : p.scale === 4 ? 20 : 10) * n,
    ),
    route: { api: 'jobs', imageModel: 'topaz/image-upscale', imageField: 'image_url', noPrompt: true, scaleField: 'upscale_factor' },
    maxOutputs: 1,
  },
  {
    id: 'kie/sora-watermark-remover',
    kinds: ['text-to-video'],
    description: 'Removes the watermark from a Sora 2 video given by its public sora.chatgpt.com link (parameter video_url); the prompt is not sent',
    parameters: soraWatermarkRemoverParameters,
    inputImages: { mode: 'url', max: 0 },
    async: true,
    expectedDurationSeconds: 30,
    maxDurationSeconds: 900,
    price: perRequest(credits(10), { notes: 'estimate: Kie lists no price for the remover in the docs at hand; priced at 10 credits ($0.05)' }),
    route: { api: 'jobs', textModel: 'sora-watermark-remover', noPrompt: true },
    maxOutputs: 1,
  },
  ...(['standard', 'pro'] as const).map(
    (tier): KieModel => ({
      id: `kie/kling-v2.1-${tier}`,
      kinds: ['image-to-video'],
      description:
        tier === 'pro'
          ? 'Kling 2.1 Pro through Kie.ai: animates an image at 1080p, 5 or 10 s; a second image is the last frame'
          : 'Kling 2.1 Standard through Kie.ai: animates an image at 720p, 5 or 10 s',
      parameters: kling21Parameters,
      inputImages: { mode: 'url', max: tier === 'pro' ? 2 : 1 },
      async: true,
      expectedDurationSeconds: 120,
      maxDurationSeconds: 1800,
      video: kling21Video,
      videoWire: { durationSeconds: { field: 'duration', as: 'string' } },
      price: priced(
        kling21Parameters,
        {
          unit: 'request',
          usd: credits(KLING21_CREDITS[tier]),
          tiers: [{ when: 'durationSeconds=10', usd: credits(2 * KLING21_CREDITS[tier]) }],
          notes: `Kie: ${KLING21_CREDITS[tier]} credits a 5 s clip, ${2 * KLING21_CREDITS[tier]} a 10 s one, at $0.005`,
        },
        (p) => credits(KLING21_CREDITS[tier] * (p.durationSeconds / 5)),
      ),
      route: { api: 'jobs', imageModel: `kling/v2-1-${tier}`, imageField: 'image_url', ...(tier === 'pro' ? { tailImageField: 'tail_image_url' as const } : {}) },
      maxOutputs: 1,
    }),
  ),
  {
    id: 'kie/wan-2.2-a14b-turbo',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Alibaba Wan 2.2 A14B Turbo through Kie.ai: fast 5 second clips at 480p, 580p or 720p',
    parameters: wan22Parameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 60,
    maxDurationSeconds: 1200,
    video: wan22Video,
    // The length is fixed, so it is not sent.
    videoWire: { aspectRatio: { field: 'aspect_ratio' }, resolution: { field: 'resolution' } },
    price: priced(
      wan22Parameters,
      {
        unit: 'second',
        usd: WAN22_USD_PER_SECOND['720p']!,
        tiers: [
          { when: 'resolution=480p', usd: WAN22_USD_PER_SECOND['480p']! },
          { when: 'resolution=580p', usd: WAN22_USD_PER_SECOND['580p']! },
        ],
        notes: 'estimate: Kie\'s Wan 2.2 Turbo price is not in the docs at hand; the market list price of the same model, $0.05/$0.075/$0.10 a second at 480p/580p/720p',
      },
      (p) => usd(WAN22_USD_PER_SECOND[String(p.resolution)]! * p.durationSeconds),
    ),
    route: { api: 'jobs', textModel: 'wan/2-2-a14b-text-to-video-turbo', imageModel: 'wan/2-2-a14b-image-to-video-turbo', imageField: 'image_url' },
    maxOutputs: 1,
  },
  {
    id: 'kie/bytedance-v1-pro',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'ByteDance Seedance 1.0 Pro (V1 Pro) through Kie.ai: 5 or 10 second clips at 480p, 720p or 1080p',
    parameters: bytedanceV1ProParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 90,
    maxDurationSeconds: 1800,
    video: bytedanceV1ProVideo,
    videoWire: { durationSeconds: { field: 'duration', as: 'string' }, aspectRatio: { field: 'aspect_ratio' }, resolution: { field: 'resolution' } },
    price: priced(
      bytedanceV1ProParameters,
      {
        unit: 'second',
        usd: SEEDANCE_USD_PER_SECOND['720p']!,
        tiers: [
          { when: 'resolution=480p', usd: SEEDANCE_USD_PER_SECOND['480p']! },
          { when: 'resolution=1080p', usd: SEEDANCE_USD_PER_SECOND['1080p']! },
        ],
        notes: 'estimate: Kie\'s Seedance price is not in the docs at hand; the market list price of Seedance 1.0 Pro, $2.50 per million video tokens (24 fps)',
      },
      (p) => usd(SEEDANCE_USD_PER_SECOND[String(p.resolution)]! * p.durationSeconds),
    ),
    route: { api: 'jobs', textModel: 'bytedance/v1-pro-text-to-video', imageModel: 'bytedance/v1-pro-image-to-video', imageField: 'image_url' },
    maxOutputs: 1,
  },
];

export const kieModels: KieModel[] = [
  {
    id: 'kie/4o-image',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'GPT-4o image generation and editing through Kie.ai (1, 2 or 4 variants)',
    parameters: gpt4oImageParameters,
    inputImages: { mode: 'url', max: 5 },
    async: true,
    expectedDurationSeconds: 60,
    maxDurationSeconds: 900,
    price: priced(gpt4oImageParameters, { unit: 'request', usd: credits(6), tiers: [{ when: 'numberOfOutputs=2', usd: credits(7) }, { when: 'numberOfOutputs=4', usd: credits(8) }], notes: 'Kie credits at $0.005 (seed S1): 6 credits for 1 image, 7 for 2, 8 for 4' }, (_p, n) => credits(gpt4oCredits(n))),
    route: { api: 'gpt4o-image' },
    maxOutputs: 4,
  },
  ...(['pro', 'max'] as const).map(
    (tier): KieModel => ({
      id: `kie/flux-kontext-${tier}`,
      kinds: ['text-to-image', 'image-to-image'],
      description: `FLUX.1 Kontext ${tier} through Kie.ai: generation, or editing of one input image`,
      parameters: fluxKontextParameters,
      inputImages: { mode: 'url', max: 1 },
      preprocess: 'flux-optimized',
      async: true,
      expectedDurationSeconds: 20,
      maxDurationSeconds: 600,
      price: perImage(credits(tier === 'pro' ? 5 : 10), { notes: `Kie: ${tier === 'pro' ? 5 : 10} credits at $0.005` }),
      route: { api: 'flux-kontext', model: `flux-kontext-${tier}` },
      maxOutputs: 1,
    }),
  ),
  {
    id: 'kie/nano-banana',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'Google Nano Banana (Gemini 2.5 Flash Image) through Kie.ai; edits with up to 10 input images',
    parameters: nanoBananaParameters,
    inputImages: { mode: 'url', max: 10 },
    async: true,
    expectedDurationSeconds: 15,
    maxDurationSeconds: 600,
    // The seed: "4 Credits/张 ≈ $0.020".
    price: perImage(credits(4), { notes: 'Kie: 4 credits at $0.005 (seed S1: "4 Credits/张 ≈ $0.020")' }),
    route: { api: 'jobs', textModel: 'google/nano-banana', imageModel: 'google/nano-banana-edit', imageField: 'image_urls', textRatioField: 'image_size' },
    maxOutputs: 1,
  },
  {
    id: 'kie/seedream-v4',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'ByteDance Seedream 4.0 through Kie.ai; up to 4 images per task, edits with up to 10 input images',
    parameters: seedreamParameters,
    inputImages: { mode: 'url', max: 10 },
    async: true,
    expectedDurationSeconds: 20,
    maxDurationSeconds: 600,
    price: perImage(credits(5), { notes: 'Kie: 5 credits an image at $0.005' }),
    route: {
      api: 'jobs',
      textModel: 'bytedance/seedream-v4-text-to-image',
      imageModel: 'bytedance/seedream-v4-edit',
      imageField: 'image_urls',
      countField: 'max_images',
    },
    maxOutputs: 4,
  },
  {
    id: 'kie/sora-2',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'OpenAI Sora 2 through Kie.ai: 10 or 15 second clips with audio',
    parameters: sora2Parameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 180,
    maxDurationSeconds: 1800,
    video: sora2Video,
    videoWire: {
      durationSeconds: { field: 'n_frames', as: 'string' },
      aspectRatio: { field: 'aspect_ratio', values: { '16:9': 'landscape', '9:16': 'portrait' } },
    },
    price: priced(sora2Parameters, { unit: 'request', usd: credits(30), tiers: [{ when: 'durationSeconds=15', usd: credits(45) }], notes: 'Kie: 30 credits a 10 s clip, 45 a 15 s one, at $0.005' }, (p) => credits(p.durationSeconds === 15 ? 45 : 30)),
    route: { api: 'jobs', textModel: 'sora-2-text-to-video', imageModel: 'sora-2-image-to-video', imageField: 'image_urls' },
    maxOutputs: 1,
  },
  {
    id: 'kie/kling-v2.5-turbo-pro',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Kling 2.5 Turbo Pro through Kie.ai: 5 or 10 second clips',
    parameters: klingParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 120,
    maxDurationSeconds: 1800,
    video: klingVideo,
    videoWire: { durationSeconds: { field: 'duration', as: 'string' }, aspectRatio: { field: 'aspect_ratio' } },
    price: priced(klingParameters, { unit: 'request', usd: credits(42), tiers: [{ when: 'durationSeconds=10', usd: credits(84) }], notes: 'Kie: 42 credits a 5 s clip, 84 a 10 s one, at $0.005' }, (p) => credits(p.durationSeconds === 10 ? 84 : 42)),
    route: {
      api: 'jobs',
      textModel: 'kling/v2-5-turbo-text-to-video-pro',
      imageModel: 'kling/v2-5-turbo-image-to-video-pro',
      imageField: 'image_url',
    },
    maxOutputs: 1,
  },
  {
    id: 'kie/wan-2.5',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Alibaba Wan 2.5 through Kie.ai: 5 or 10 second clips with native audio; prompts up to 800 characters',
    parameters: wanParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 120,
    maxDurationSeconds: 1800,
    // $0.06 a second at 720p, $0.10 at 1080p.
    video: wanVideo,
    videoWire: { durationSeconds: { field: 'duration', as: 'string' }, aspectRatio: { field: 'aspect_ratio' }, resolution: { field: 'resolution' } },
    price: priced(wanParameters, { unit: 'second', usd: credits(20), tiers: [{ when: 'resolution=720p', usd: credits(12) }], notes: 'Kie: 12 credits a second at 720p, 20 at 1080p, at $0.005' }, (p) => credits((p.resolution === '1080p' ? 20 : 12) * p.durationSeconds)),
    route: { api: 'jobs', textModel: 'wan/2-5-text-to-video', imageModel: 'wan/2-5-image-to-video', imageField: 'image_url' },
    maxOutputs: 1,
    maxPromptLength: 800,
  },
  ...([
    ['kie/veo3', 'veo3', 'Veo 3.1 Quality', 250],
    ['kie/veo3-fast', 'veo3_fast', 'Veo 3.1 Fast', 60],
  ] as const).map(
    ([id, model, name, cost]): KieModel => ({
      id,
      kinds: ['text-to-video', 'image-to-video'],
      description: `Google ${name} through Kie.ai: 8 second clips with audio; 1 image animates it, 2 are first and last frame`,
      parameters: veoParameters,
      inputImages: { mode: 'url', max: 2 },
      async: true,
      expectedDurationSeconds: 120,
      maxDurationSeconds: 1800,
      video: veoVideo,
      // The length is fixed, so it is not sent.
      videoWire: { aspectRatio: { field: 'aspectRatio', values: { auto: 'Auto' } } },
      price: perRequest(credits(cost), { notes: `Kie: ${cost} credits an 8 s clip at $0.005` }),
      route: { api: 'veo', model },
      maxOutputs: 1,
    }),
  ),
  {
    id: 'kie/runway',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Runway through Kie.ai: 5 or 10 second clips from text or an image',
    parameters: runwayParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 90,
    maxDurationSeconds: 1800,
    video: runwayVideo,
    videoWire: { durationSeconds: { field: 'duration', as: 'number' }, aspectRatio: { field: 'aspectRatio' }, resolution: { field: 'quality' } },
    price: priced(runwayParameters, { unit: 'request', usd: credits(12), tiers: [{ when: 'durationSeconds=10 or resolution=1080p', usd: credits(30) }], notes: 'Kie: 12 credits a 5 s 720p clip, 30 for 10 s or 1080p, at $0.005' }, (p) => credits(p.durationSeconds === 10 || p.resolution === '1080p' ? 30 : 12)),
    route: { api: 'runway' },
    maxOutputs: 1,
    maxPromptLength: 1800,
  },
  {
    id: 'kie/midjourney',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'Midjourney through Kie.ai: a grid of four images per task',
    parameters: midjourneyParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 60,
    maxDurationSeconds: 1800,
    price: priced(midjourneyParameters, { unit: 'request', usd: credits(MJ_CREDITS.fast), tiers: [{ when: 'speed=relaxed', usd: credits(MJ_CREDITS.relaxed) }, { when: 'speed=turbo', usd: credits(MJ_CREDITS.turbo) }], notes: 'Kie: one four-image grid; 3/8/16 credits by speed at $0.005' }, (p) => credits(MJ_CREDITS[p.speed])),
    route: { api: 'midjourney' },
    // Midjourney always renders four; numberOfOutputs does not change that.
    maxOutputs: 4,
  },
  ...ADDED_MODELS,
];

export function findKieModel(id: string): KieModel | undefined {
  return kieModels.find((m) => m.id === id);
}
