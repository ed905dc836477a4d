import { z } from 'zod';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { perImage, perRequest } from '../pricing';

/** Replicate-specific data: which official model runs, and how its output comes back. */
export interface ReplicateModelExtra {
  /** `owner/name` of an official model (no version hash needed). */
  replicateModel: string;
  /** Input field that receives the first input image, if the model takes one. */
  imageInput?: string;
  /** Input field that receives numberOfOutputs, if the model renders several per prediction. */
  countInput?: string;
  /**
   * A community model (not an official one) runs by a pinned version: `POST /v1/predictions`
   * with `version: 'owner/name:<version id>'`, since the per-model endpoint is for official models.
   */
  version?: string;
  /** The model's input schema has no `prompt` (an upscaler): the prompt is not sent. */
  noPrompt?: true;
}
export type ReplicateModel = ModelSpec & ReplicateModelExtra;

const ASPECT_RATIOS = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21'] as const;
const outputFormat = z.enum(['webp', 'jpg', 'png']).default('webp');
const outputQuality = z.int().min(0).max(100).default(80).describe('Ignored for png');
const seed = z.int().min(0).optional();

export const fluxSchnellParameters = z.strictObject({
  aspect_ratio: z.enum(ASPECT_RATIOS).default('1:1'),
  output_format: outputFormat,
  output_quality: outputQuality,
  num_inference_steps: z.int().min(1).max(4).default(4),
  go_fast: z.boolean().default(true),
  megapixels: z.enum(['1', '0.25']).default('1'),
  disable_safety_checker: z.boolean().default(false),
  seed,
});

const dimension = z
  .int()
  .min(256)
  .max(1440)
  .refine((v) => v % 32 === 0, 'must be a multiple of 32');

/**
 * flux-1.1-pro's own `aspect_ratio` options (its API page): no 21:9 or 9:21, which flux-schnell
 * has; a wider frame is `custom` with width/height.
 */
const FLUX_11_PRO_ASPECT_RATIOS = ['custom', '1:1', '16:9', '3:2', '2:3', '4:5', '5:4', '9:16', '3:4', '4:3'] as const;

export const flux11ProParameters = z
  .strictObject({
    aspect_ratio: z.enum(FLUX_11_PRO_ASPECT_RATIOS).default('1:1'),
    width: dimension.optional().describe('Only with aspect_ratio custom'),
    height: dimension.optional().describe('Only with aspect_ratio custom'),
    output_format: outputFormat,
    output_quality: outputQuality,
    safety_tolerance: z.int().min(1).max(6).default(2),
    prompt_upsampling: z.boolean().default(false),
    seed,
  })
  .refine((p) => (p.aspect_ratio === 'custom') === (p.width !== undefined && p.height !== undefined), {
    message: 'width and height are given together with aspect_ratio custom, and only then',
    path: ['aspect_ratio'],
  });

export const minimaxVideo01Parameters = z.strictObject({
  prompt_optimizer: z.boolean().default(true),
});

/**
 * nightmareai/real-esrgan's input schema (its API page): `image`, `scale` (a number, 0-10,
 * default 4) and `face_enhance`. genflow's common upscale factor is the integer `scale`, here
 * 1-10 (2 and 4 are the ×2 and ×4 upscales).
 */
export const realEsrganParameters = z.strictObject({
  scale: z.int().min(1).max(10).default(4).describe('Upscale factor: 1 to 10 (2 and 4 are the ×2 and ×4 upscales)'),
  face_enhance: z.boolean().default(false).describe('Run GFPGAN face enhancement along with upscaling'),
});

/** The version of nightmareai/real-esrgan genflow runs (as in Replicate's own example for the model). */
export const REAL_ESRGAN_VERSION = '42fed1c4974146d4d2414e2be2c5277c7fcf05fcc3a73abf41610695738c1d7b';

// Prices (USD) from replicate.com's model pages: per output image, per video.
export const replicateModels: ReplicateModel[] = [
  defineModel<typeof fluxSchnellParameters, ReplicateModelExtra>({
    id: 'replicate/black-forest-labs/flux-schnell',
    replicateModel: 'black-forest-labs/flux-schnell',
    countInput: 'num_outputs',
    kinds: ['text-to-image'],
    description: 'FLUX.1 [schnell] on Replicate: fast 1-4 step text-to-image, up to 4 images per prediction',
    parameters: fluxSchnellParameters,
    inputImages: { mode: 'either', max: 0 },
    async: true,
    expectedDurationSeconds: 2,
    maxDurationSeconds: 300,
    price: perImage(0.003, { notes: 'Replicate list price per output image' }),
  }),
  defineModel<typeof flux11ProParameters, ReplicateModelExtra>({
    id: 'replicate/black-forest-labs/flux-1.1-pro',
    replicateModel: 'black-forest-labs/flux-1.1-pro',
    imageInput: 'image_prompt',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'FLUX1.1 [pro] on Replicate: one image per prediction; an input image guides composition (image_prompt)',
    parameters: flux11ProParameters,
    inputImages: { mode: 'either', max: 1 },
    preprocess: 'flux-optimized',
    async: true,
    expectedDurationSeconds: 8,
    maxDurationSeconds: 600,
    price: perImage(0.04, { notes: 'Replicate list price per output image' }),
  }),
  defineModel<typeof minimaxVideo01Parameters, ReplicateModelExtra>({
    id: 'replicate/minimax/video-01',
    replicateModel: 'minimax/video-01',
    imageInput: 'first_frame_image',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'MiniMax Video-01 (Hailuo) on Replicate: 6 s 720p MP4, optionally from a first frame',
    parameters: minimaxVideo01Parameters,
    inputImages: { mode: 'either', max: 1 },
    async: true,
    expectedDurationSeconds: 240,
    maxDurationSeconds: 1800,
    price: perRequest(0.5, { notes: 'Replicate list price per 6 s video' }),
  }),
  defineModel<typeof realEsrganParameters, ReplicateModelExtra>({
    id: 'replicate/nightmareai/real-esrgan',
    replicateModel: 'nightmareai/real-esrgan',
    version: `nightmareai/real-esrgan:${REAL_ESRGAN_VERSION}`,
    imageInput: 'image',
    noPrompt: true,
    kinds: ['upscale'],
    description: 'Real-ESRGAN on Replicate: one image upscaled ×1-×10 (scale 2 or 4 for ×2/×4), optional GFPGAN face enhancement; the prompt is not sent',
    parameters: realEsrganParameters,
    inputImages: { mode: 'either', max: 1 },
    async: true,
    expectedDurationSeconds: 5,
    maxDurationSeconds: 600,
    // Replicate bills this community model by GPU time, not per image: no fixed price to quote.
    price: perImage(0.0025, { notes: 'estimate: Replicate bills the GPU seconds (Nvidia T4, $0.000225/s); about 10 s a run' }),
  }),
];
