import { z } from 'zod';
import { videoParameterFields, type VideoOptions } from '../../domain/video-options';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import type { VideoWireNames } from '../video-wire';
import { priced } from '../pricing';

/**
 * fal-specific data. Parameter names in the schemas are fal's input names, except the
 * normalised video fields, which `videoWire` renames.
 */
export interface FalModelExtra {
  /** fal model id used without input images (absent: the model needs one). */
  textEndpoint?: string;
  /** fal model id used with an input image (absent: the model takes none). */
  imageEndpoint?: string;
  /** The input field carrying the image URL. */
  imageField?: 'image_url';
  /** An input field taking numberOfOutputs (one output per request otherwise). */
  countField?: 'num_images';
  maxOutputs: number;
  videoWire?: VideoWireNames;
  /** Parameters whose fal input name differs from genflow's common one (`scale` → `upscale_factor`). */
  wireNames?: Partial<Record<string, string>>;
  /**
   * USD per unit of the model's billing unit (fal's pricing API `unit_price`), which fal's
   * `x-fal-billable-units` result header counts: the charge is units × this. Absent (the unit is
   * not known here), the generation settles at the estimate.
   */
  unitPriceUsd?: number;
}
export type FalModel = ModelSpec & FalModelExtra;

const seed = z.int().min(0).optional();

export const pikaVideo: VideoOptions = {
  durationsSeconds: [5, 10],
  aspectRatios: ['16:9', '9:16', '1:1', '4:5', '5:4', '3:2', '2:3'],
  resolutions: ['720p', '1080p'],
};
export const pikaParameters = z.strictObject({
  ...videoParameterFields(pikaVideo, { durationSeconds: 5, resolution: '720p' }),
  negative_prompt: z.string().max(1000).optional(),
  seed,
});

const IMAGE_SIZES = ['square_hd', 'square', 'portrait_4_3', 'portrait_16_9', 'landscape_4_3', 'landscape_16_9'] as const;
const fluxCommon = {
  image_size: z.enum(IMAGE_SIZES).default('landscape_4_3'),
  seed,
  enable_safety_checker: z.boolean().default(true),
  output_format: z.enum(['jpeg', 'png']).default('jpeg'),
};
export const fluxDevParameters = z.strictObject({
  ...fluxCommon,
  num_inference_steps: z.int().min(1).max(50).default(28),
  guidance_scale: z.number().min(1).max(20).default(3.5),
});
export const fluxSchnellParameters = z.strictObject({
  ...fluxCommon,
  num_inference_steps: z.int().min(1).max(12).default(4),
});

/** Megapixels of fal's named sizes: FLUX on fal is billed per megapixel. */
const MEGAPIXELS: Record<(typeof IMAGE_SIZES)[number], number> = {
  square_hd: 1.05,
  square: 0.26,
  portrait_4_3: 0.79,
  portrait_16_9: 0.59,
  landscape_4_3: 0.79,
  landscape_16_9: 0.59,
};
const cents = (usd: number): number => Math.round(usd * 10_000) / 10_000;

/**
 * fal-ai/clarity-upscaler's input (its API page): `upscale_factor` 1-4 (default 2) is genflow's
 * common `scale` (2 and 4: ×2, ×4); `creativity` 0-1 (default 0.35), `negative_prompt`,
 * `enable_safety_checker`. The prompt guides the detail it adds.
 */
export const clarityUpscalerParameters = z.strictObject({
  scale: z.int().min(1).max(4).default(2).describe('Upscale factor: 1 to 4 (2 and 4 are the ×2 and ×4 upscales)'),
  creativity: z.number().min(0).max(1).default(0.35).describe('How far the model may depart from the image (the denoise strength)'),
  negative_prompt: z.string().max(1000).optional(),
  enable_safety_checker: z.boolean().default(true),
});

// Prices (USD) from fal.ai's model pages: Pika 2.2 $0.20 per 5 s at 720p and $0.45 at 1080p
// (10 s twice that); FLUX.1 [dev] $0.025 and [schnell] $0.003 per megapixel (at least 1);
// Clarity Upscaler $0.03 per megapixel.
export const falModels: FalModel[] = [
  defineModel<typeof pikaParameters, FalModelExtra>({
    id: 'fal/pika-v2.2',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Pika 2.2 on fal.ai: 5 or 10 second clips at 720p or 1080p, from text or a first frame',
    parameters: pikaParameters,
    inputImages: { mode: 'url', max: 1 },
    video: pikaVideo,
    async: true,
    expectedDurationSeconds: 60,
    maxDurationSeconds: 1200,
    price: priced(pikaParameters, { unit: 'second', usd: 0.04, tiers: [{ when: 'resolution=1080p', usd: 0.09 }], notes: 'fal list price: $0.20 per 5 s at 720p, $0.45 at 1080p' }, (p) => cents((p.resolution === '1080p' ? 0.45 : 0.2) * (p.durationSeconds / 5))),
    textEndpoint: 'fal-ai/pika/v2.2/text-to-video',
    imageEndpoint: 'fal-ai/pika/v2.2/image-to-video',
    imageField: 'image_url',
    maxOutputs: 1,
    videoWire: { durationSeconds: { field: 'duration', as: 'number' }, aspectRatio: { field: 'aspect_ratio' }, resolution: { field: 'resolution' } },
  }),
  defineModel<typeof fluxDevParameters, FalModelExtra>({
    id: 'fal/flux-dev',
    kinds: ['text-to-image'],
    description: 'FLUX.1 [dev] on fal.ai: up to 4 images per request',
    parameters: fluxDevParameters,
    inputImages: { mode: 'url', max: 0 },
    async: true,
    expectedDurationSeconds: 5,
    maxDurationSeconds: 300,
    price: priced(fluxDevParameters, { unit: 'image', usd: 0.025, tiers: [{ when: 'image_size=square_hd (1.05 MP)', usd: 0.02625 }], notes: 'fal list price: $0.025 per megapixel of each image, at least 1 MP' }, (p, n) => cents(0.025 * Math.max(1, MEGAPIXELS[p.image_size]) * n)),
    textEndpoint: 'fal-ai/flux/dev',
    unitPriceUsd: 0.025,
    countField: 'num_images',
    maxOutputs: 4,
  }),
  defineModel<typeof fluxSchnellParameters, FalModelExtra>({
    id: 'fal/flux-schnell',
    kinds: ['text-to-image'],
    description: 'FLUX.1 [schnell] on fal.ai: 1-12 step text-to-image, up to 4 images per request',
    parameters: fluxSchnellParameters,
    inputImages: { mode: 'url', max: 0 },
    async: true,
    expectedDurationSeconds: 2,
    maxDurationSeconds: 300,
    price: priced(fluxSchnellParameters, { unit: 'image', usd: 0.003, tiers: [{ when: 'image_size=square_hd (1.05 MP)', usd: 0.00315 }], notes: 'fal list price: $0.003 per megapixel of each image, at least 1 MP' }, (p, n) => cents(0.003 * Math.max(1, MEGAPIXELS[p.image_size]) * n)),
    textEndpoint: 'fal-ai/flux/schnell',
    unitPriceUsd: 0.003,
    countField: 'num_images',
    maxOutputs: 4,
  }),
  defineModel<typeof clarityUpscalerParameters, FalModelExtra>({
    id: 'fal/clarity-upscaler',
    kinds: ['upscale'],
    description: 'Clarity Upscaler on fal.ai: one image upscaled ×1-×4 (scale 2 or 4 for ×2/×4), detail guided by the prompt',
    parameters: clarityUpscalerParameters,
    // fal takes file inputs as URLs or base64 data URIs alike (its docs, "Files").
    inputImages: { mode: 'either', max: 1 },
    async: true,
    expectedDurationSeconds: 20,
    maxDurationSeconds: 600,
    price: priced(
      clarityUpscalerParameters,
      { unit: 'image', usd: 0.12, tiers: [{ when: 'scale=4', usd: 0.48 }], notes: 'estimate: fal list price $0.03 per megapixel, here of the output of a 1 MP input (scale² MP); the charge is fal\'s billed units' },
      (p, n) => cents(0.03 * p.scale * p.scale * n),
    ),
    imageEndpoint: 'fal-ai/clarity-upscaler',
    imageField: 'image_url',
    unitPriceUsd: 0.03,
    wireNames: { scale: 'upscale_factor' },
    maxOutputs: 1,
  }),
];

export function findFalModel(id: string): FalModel | undefined {
  return falModels.find((m) => m.id === id);
}
