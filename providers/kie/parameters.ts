import { z } from 'zod';
import { videoParameterFields, type VideoOptions } from '../../domain/video-options';

/** Parameter schemas of the Kie models. Keys are Kie's wire names, defaults are Kie's. */
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

export const sora2Video: VideoOptions = { durationsSeconds: [10, 15], aspectRatios: ['16:9', '9:16'] };
export const sora2Parameters = z.strictObject({
  ...videoParameterFields(sora2Video, { durationSeconds: 10 }),
  remove_watermark: z.boolean().default(true),
});

export const klingVideo: VideoOptions = { durationsSeconds: [5, 10], aspectRatios: ['16:9', '9:16', '1:1'] };
export const klingParameters = z.strictObject({
  ...videoParameterFields(klingVideo, { durationSeconds: 5 }),
  negative_prompt: z.string().max(2500).optional(),
  cfg_scale: z.number().min(0).max(1).default(0.5),
});

export const wanVideo: VideoOptions = { durationsSeconds: [5, 10], aspectRatios: ['16:9', '9:16', '1:1'], resolutions: ['720p', '1080p'] };
export const wanParameters = z.strictObject({
  ...videoParameterFields(wanVideo, { durationSeconds: 5, resolution: '1080p' }),
  negative_prompt: z.string().max(500).optional(),
  enable_prompt_expansion: z.boolean().default(true),
  seed: z.int().optional(),
});

// Veo on Kie makes 8 s clips; `auto` follows the input image.
export const veoVideo: VideoOptions = { durationsSeconds: [8], aspectRatios: ['16:9', '9:16', 'auto'] };
export const veoParameters = z.strictObject({
  ...videoParameterFields(veoVideo, { durationSeconds: 8 }),
  enableTranslation: z.boolean().default(true),
  watermark: z.string().max(100).optional(),
});

export const runwayVideo: VideoOptions = { durationsSeconds: [5, 10], aspectRatios: ['16:9', '4:3', '1:1', '3:4', '9:16'], resolutions: ['720p', '1080p'] };
export const runwayParameters = z.strictObject({
  ...videoParameterFields(runwayVideo, { durationSeconds: 5, resolution: '720p' }),
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

// Sora 2 Pro: Sora 2's lengths and ratios, plus `size` (standard, or high at 1080p).
export const sora2ProParameters = z.strictObject({
  ...videoParameterFields(sora2Video, { durationSeconds: 10 }),
  size: z.enum(['standard', 'high']).default('standard').describe('standard, or high (1080p)'),
  remove_watermark: z.boolean().default(true),
});

/** Extending refers to a finished Kie task, by the task id Kie gave it. */
const sourceTaskId = (what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[\w-]+$/, 'a Kie task id')
    .describe(`Kie's task id of the ${what} to extend (only videos Kie made can be extended)`);

/**
 * The source named by the genflow generation that made it instead: the submit resolves its Kie
 * task id and uses the key that made it (Kie's task ids belong to the account that made them).
 */
const sourceGenerationId = (what: string) =>
  z.uuid().optional().describe(`Instead of taskId: the id of the genflow generation that made the ${what}`);

/** One source, named one way: by Kie's task id or by the genflow generation. */
const oneSource = { message: 'name the source video by taskId or by sourceGenerationId, one of the two', path: ['taskId'] };
const hasOneSource = (p: { taskId?: string | undefined; sourceGenerationId?: string | undefined }) => (p.taskId === undefined) !== (p.sourceGenerationId === undefined);

export const veoExtendParameters = z
  .strictObject({
    taskId: sourceTaskId('Veo 3.1 video').optional(),
    sourceGenerationId: sourceGenerationId('Veo 3.1 video'),
    model: z.enum(['fast', 'quality']).default('fast').describe('The Veo 3.1 model that renders the extension'),
    seeds: z.int().min(10_000).max(99_999).optional(),
    watermark: z.string().max(100).optional(),
  })
  .refine(hasOneSource, oneSource);

// The extension keeps the source's ratio and length; only its resolution is chosen.
export const runwayExtendParameters = z
  .strictObject({
    taskId: sourceTaskId('Runway video').optional(),
    sourceGenerationId: sourceGenerationId('Runway video'),
    resolution: z.enum(['720p', '1080p']).default('720p'),
    waterMark: z.string().max(100).default('').describe('Watermark text; empty for none'),
  })
  .refine(hasOneSource, oneSource);

export const nanoBananaUpscaleParameters = z.strictObject({
  scale: z.int().min(1).max(4).default(2).describe('Upscale factor: 1 to 4 (2 and 4 are the ×2 and ×4 upscales)'),
  face_enhance: z.boolean().default(false).describe('Restore faces while upscaling'),
});

/**
 * Topaz Image Upscale on Kie (docs.kie.ai/market/topaz/image-upscale): `upscale_factor` is the
 * string "1", "2", "4" or "8"; genflow's common `scale` is the number, sent as Kie's string
 * (route `scaleField`). Kie refuses an output whose longest side passes 20,000 pixels.
 */
export const topazImageUpscaleParameters = z.strictObject({
  scale: z.literal([1, 2, 4, 8]).default(2).describe('Upscale factor: 1 (enhance only), 2, 4 or 8'),
});

export const soraWatermarkRemoverParameters = z.strictObject({
  video_url: z
    .url({ protocol: /^https$/ })
    .regex(/^https:\/\/sora\.chatgpt\.com\//, 'a public Sora video link (https://sora.chatgpt.com/...)')
    .describe('The Sora 2 video, as its public link on sora.chatgpt.com'),
});

// Kling 2.1 standard (720p) and pro (1080p) animate an image; the clip follows its ratio.
export const kling21Video: VideoOptions = { durationsSeconds: [5, 10] };
export const kling21Parameters = z.strictObject({
  ...videoParameterFields(kling21Video, { durationSeconds: 5 }),
  negative_prompt: z.string().max(500).optional(),
  cfg_scale: z.number().min(0).max(1).default(0.5),
});

// Wan 2.2 A14B Turbo: fixed-length clips (about 5 s), 480p/580p/720p.
export const wan22Video: VideoOptions = { durationsSeconds: [5], aspectRatios: ['16:9', '9:16', '1:1'], resolutions: ['480p', '580p', '720p'] };
export const wan22Parameters = z.strictObject({
  ...videoParameterFields(wan22Video, { durationSeconds: 5, resolution: '720p' }),
  enable_prompt_expansion: z.boolean().default(false),
  seed: z.int().min(0).optional(),
  acceleration: z.enum(['none', 'regular']).default('none').describe('Faster at some cost in quality'),
});

// ByteDance Seedance 1.0 Pro ("V1 Pro").
export const bytedanceV1ProVideo: VideoOptions = {
  durationsSeconds: [5, 10],
  aspectRatios: ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'],
  resolutions: ['480p', '720p', '1080p'],
};
export const bytedanceV1ProParameters = z.strictObject({
  ...videoParameterFields(bytedanceV1ProVideo, { durationSeconds: 5, aspectRatio: '16:9', resolution: '720p' }),
  camera_fixed: z.boolean().default(false),
  seed: z.int().min(-1).max(2_147_483_647).optional(),
  enable_safety_checker: z.boolean().default(true),
});
