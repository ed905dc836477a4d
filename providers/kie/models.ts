import { z } from 'zod';
import type { ModelSpec } from '../types';

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
      imageField?: 'image_urls' | 'image_url';
      /** An `input` field that takes numberOfOutputs (one image per task otherwise). */
      countField?: 'max_images';
    }
  | { api: 'veo'; model: 'veo3' | 'veo3_fast' }
  | { api: 'runway' }
  | { api: 'midjourney' };

export interface KieModel extends ModelSpec {
  route: KieRoute;
  /** How many outputs one task may produce (numberOfOutputs above it is refused). */
  maxOutputs: number;
  /** The model's own prompt limit, when it is below genflow's. */
  maxPromptLength?: number;
}

/** Kie bills in credits; the seed's pricing rules price one credit at $0.005. */
export const USD_PER_CREDIT = 0.005;
const credits = (n: number): number => Math.round(n * USD_PER_CREDIT * 10_000) / 10_000;

/** A price rule typed by its model's schema; the row stores it against plain parameters. */
function priced<S extends z.ZodType<Record<string, unknown>>>(schema: S, rule: (p: z.infer<S>, outputs: number) => number) {
  return (parameters: Record<string, unknown>, outputs: number): number => rule(schema.parse(parameters), outputs);
}

const IMAGE_RATIOS = ['1:1', '9:16', '16:9', '3:4', '4:3', '3:2', '2:3', '5:4', '4:5', '21:9', 'auto'] as const;

export const gpt4oImageParameters = z.strictObject({
  size: z.enum(['1:1', '3:2', '2:3']).default('1:1').describe('Aspect ratio of the image'),
  isEnhance: z.boolean().default(false).describe('Let the provider refine the prompt'),
  enableFallback: z.boolean().default(false).describe('Fall back to another model when GPT-4o is unavailable'),
});

export const fluxKontextParameters = z.strictObject({
  aspectRatio: z.enum(['21:9', '16:9', '4:3', '1:1', '3:4', '9:16']).default('16:9'),
  outputFormat: z.enum(['jpeg', 'png']).default('jpeg'),
  promptUpsampling: z.boolean().default(false),
  // 0..6 for generation; editing accepts 0..2 only (checked when an input image is given).
  safetyTolerance: z.int().min(0).max(6).default(2),
  enableTranslation: z.boolean().default(true).describe('Translate a non-English prompt to English'),
});

export const nanoBananaParameters = z.strictObject({
  aspect_ratio: z.enum(IMAGE_RATIOS).default('1:1'),
  output_format: z.enum(['png', 'jpeg']).default('png'),
});

export const seedreamParameters = z.strictObject({
  image_size: z
    .enum(['square', 'square_hd', 'portrait_4_3', 'portrait_3_2', 'portrait_16_9', 'landscape_4_3', 'landscape_3_2', 'landscape_16_9', 'landscape_21_9'])
    .default('square_hd'),
  image_resolution: z.enum(['1K', '2K', '4K']).default('1K'),
  seed: z.int().optional(),
});

export const sora2Parameters = z.strictObject({
  aspect_ratio: z.enum(['landscape', 'portrait']).default('landscape'),
  n_frames: z.enum(['10', '15']).default('10').describe('Clip length in seconds'),
  remove_watermark: z.boolean().default(true),
});

export const klingParameters = z.strictObject({
  duration: z.enum(['5', '10']).default('5').describe('Clip length in seconds'),
  aspect_ratio: z.enum(['16:9', '9:16', '1:1']).default('16:9').describe('Text-to-video only; image-to-video follows the image'),
  negative_prompt: z.string().max(2500).optional(),
  cfg_scale: z.number().min(0).max(1).default(0.5),
});

export const wanParameters = z.strictObject({
  duration: z.enum(['5', '10']).default('5').describe('Clip length in seconds'),
  resolution: z.enum(['720p', '1080p']).default('1080p'),
  aspect_ratio: z.enum(['16:9', '9:16', '1:1']).default('16:9').describe('Text-to-video only; image-to-video follows the image'),
  negative_prompt: z.string().max(500).optional(),
  enable_prompt_expansion: z.boolean().default(true),
  seed: z.int().optional(),
});

export const veoParameters = z.strictObject({
  aspectRatio: z.enum(['16:9', '9:16', 'Auto']).default('16:9'),
  enableTranslation: z.boolean().default(true),
  watermark: z.string().max(100).optional(),
});

export const runwayParameters = z.strictObject({
  duration: z.union([z.literal(5), z.literal(10)]).default(5).describe('Seconds; 10 s clips are 720p only'),
  quality: z.enum(['720p', '1080p']).default('720p'),
  aspectRatio: z.enum(['16:9', '4:3', '1:1', '3:4', '9:16']).default('16:9').describe('Text-to-video only; image-to-video follows the image'),
  waterMark: z.string().max(100).default('').describe('Watermark text; empty for none'),
});

export const midjourneyParameters = z.strictObject({
  speed: z.enum(['relaxed', 'fast', 'turbo']).default('fast'),
  aspectRatio: z.enum(['1:2', '9:16', '2:3', '3:4', '5:6', '6:5', '4:3', '3:2', '1:1', '16:9', '2:1']).default('1:1'),
  version: z.enum(['7', '6.1', '6', '5.2', '5.1', 'niji6']).default('7'),
  stylization: z.int().min(0).max(1000).default(100),
  weirdness: z.int().min(0).max(3000).default(0),
  variety: z.int().min(0).max(100).optional(),
});

/** The seed's 4o rule: 1 image 6 credits, 2 images 7, 4 images 8. */
function gpt4oCredits(outputs: number): number {
  return outputs >= 4 ? 8 : outputs === 2 ? 7 : 6;
}

const MJ_CREDITS: Record<z.infer<typeof midjourneyParameters>['speed'], number> = { relaxed: 3, fast: 8, turbo: 16 };

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
    price: (_p, n) => credits(gpt4oCredits(n)),
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
      async: true,
      expectedDurationSeconds: 20,
      maxDurationSeconds: 600,
      price: () => credits(tier === 'pro' ? 5 : 10),
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
    price: () => credits(4),
    route: { api: 'jobs', textModel: 'google/nano-banana', imageModel: 'google/nano-banana-edit', imageField: 'image_urls' },
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
    price: (_p, n) => credits(5 * n),
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
    price: priced(sora2Parameters, (p) => credits(p.n_frames === '15' ? 45 : 30)),
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
    price: priced(klingParameters, (p) => credits(p.duration === '10' ? 84 : 42)),
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
    price: priced(wanParameters, (p) => credits((p.resolution === '1080p' ? 20 : 12) * Number(p.duration))),
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
      price: () => credits(cost),
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
    price: priced(runwayParameters, (p) => credits(p.duration === 10 || p.quality === '1080p' ? 30 : 12)),
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
    price: priced(midjourneyParameters, (p) => credits(MJ_CREDITS[p.speed])),
    route: { api: 'midjourney' },
    // Midjourney always renders four; numberOfOutputs does not change that.
    maxOutputs: 4,
  },
];

export function findKieModel(id: string): KieModel | undefined {
  return kieModels.find((m) => m.id === id);
}
