import { z } from 'zod';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { perImage } from '../pricing';

/** BFL-specific data: the endpoint under `/v1/` and how input images are passed. */
export interface BflModelExtra {
  endpoint: string;
  /** Fields that take input images, in order (`input_image`, `input_image_2`, ...). */
  imageFields: readonly string[];
}
export type BflModel = ModelSpec & BflModelExtra;

const dimension = (fallback: number) =>
  z
    .int()
    .min(256)
    .max(1440)
    .refine((v) => v % 32 === 0, 'must be a multiple of 32')
    .default(fallback);

/** `W:H` between 21:9 and 9:21, as BFL's ultra and Kontext endpoints accept. */
export const aspectRatio = z
  .string()
  .regex(/^\d{1,2}:\d{1,2}$/, 'must look like 16:9')
  .refine((value) => {
    const [w, h] = value.split(':').map(Number) as [number, number];
    return w > 0 && h > 0 && w / h <= 21 / 9 + 1e-9 && h / w <= 21 / 9 + 1e-9;
  }, 'must be between 21:9 and 9:21');

const common = {
  seed: z.int().min(0).optional(),
  prompt_upsampling: z.boolean().default(false),
  safety_tolerance: z.int().min(0).max(6).default(2).describe('0 is the strictest moderation, 6 the least strict'),
};

export const fluxPro11Parameters = z.strictObject({
  width: dimension(1024),
  height: dimension(768),
  output_format: z.enum(['jpeg', 'png']).default('jpeg'),
  ...common,
});

export const fluxPro11UltraParameters = z.strictObject({
  aspect_ratio: aspectRatio.default('16:9'),
  raw: z.boolean().default(false).describe('Less processed, more natural-looking images'),
  image_prompt_strength: z.number().min(0).max(1).default(0.1),
  output_format: z.enum(['jpeg', 'png']).default('jpeg'),
  ...common,
});

export const fluxDevParameters = z.strictObject({
  width: dimension(1024),
  height: dimension(768),
  steps: z.int().min(1).max(50).default(28),
  guidance: z.number().min(1.5).max(5).default(3),
  output_format: z.enum(['jpeg', 'png']).default('jpeg'),
  ...common,
});

export const fluxKontextParameters = z.strictObject({
  aspect_ratio: aspectRatio.optional().describe('Defaults to the input image ratio, or 1:1'),
  output_format: z.enum(['jpeg', 'png']).default('png'),
  ...common,
});

const KONTEXT_IMAGES = ['input_image', 'input_image_2', 'input_image_3', 'input_image_4'] as const;

// Prices (USD per image) from bfl.ai/pricing.
export const bflModels: BflModel[] = [
  defineModel<typeof fluxPro11Parameters, BflModelExtra>({
    id: 'bfl/flux-pro-1.1',
    endpoint: 'flux-pro-1.1',
    imageFields: ['image_prompt'],
    kinds: ['text-to-image', 'image-to-image'],
    description: 'FLUX1.1 [pro] from Black Forest Labs: width/height up to 1440, optional image prompt (Redux)',
    parameters: fluxPro11Parameters,
    inputImages: { mode: 'base64', max: 1 },
    preprocess: 'flux-optimized',
    async: true,
    expectedDurationSeconds: 6,
    maxDurationSeconds: 600,
    price: perImage(0.04, { notes: 'bfl.ai list price per image' }),
  }),
  defineModel<typeof fluxPro11UltraParameters, BflModelExtra>({
    id: 'bfl/flux-pro-1.1-ultra',
    endpoint: 'flux-pro-1.1-ultra',
    imageFields: ['image_prompt'],
    kinds: ['text-to-image', 'image-to-image'],
    description: 'FLUX1.1 [pro] Ultra: 4 MP images by aspect ratio, raw mode, image prompt with strength',
    parameters: fluxPro11UltraParameters,
    inputImages: { mode: 'base64', max: 1 },
    preprocess: 'flux-optimized',
    async: true,
    expectedDurationSeconds: 10,
    maxDurationSeconds: 600,
    price: perImage(0.06, { notes: 'bfl.ai list price per image' }),
  }),
  defineModel<typeof fluxDevParameters, BflModelExtra>({
    id: 'bfl/flux-dev',
    endpoint: 'flux-dev',
    imageFields: ['image_prompt'],
    kinds: ['text-to-image', 'image-to-image'],
    description: 'FLUX.1 [dev]: steps and guidance under your control',
    parameters: fluxDevParameters,
    inputImages: { mode: 'base64', max: 1 },
    preprocess: 'flux-optimized',
    async: true,
    expectedDurationSeconds: 8,
    maxDurationSeconds: 600,
    price: perImage(0.025, { notes: 'bfl.ai list price per image' }),
  }),
  defineModel<typeof fluxKontextParameters, BflModelExtra>({
    id: 'bfl/flux-kontext-pro',
    endpoint: 'flux-kontext-pro',
    imageFields: KONTEXT_IMAGES,
    kinds: ['text-to-image', 'image-to-image'],
    description: 'FLUX.1 Kontext [pro]: generate, or edit up to 4 reference images by instruction',
    parameters: fluxKontextParameters,
    inputImages: { mode: 'either', max: 4 },
    preprocess: 'flux-optimized',
    async: true,
    expectedDurationSeconds: 8,
    maxDurationSeconds: 600,
    price: perImage(0.04, { notes: 'bfl.ai list price per image' }),
  }),
  defineModel<typeof fluxKontextParameters, BflModelExtra>({
    id: 'bfl/flux-kontext-max',
    endpoint: 'flux-kontext-max',
    imageFields: KONTEXT_IMAGES,
    kinds: ['text-to-image', 'image-to-image'],
    description: 'FLUX.1 Kontext [max]: the strongest Kontext model, better typography and prompt following',
    parameters: fluxKontextParameters,
    inputImages: { mode: 'either', max: 4 },
    preprocess: 'flux-optimized',
    async: true,
    expectedDurationSeconds: 10,
    maxDurationSeconds: 600,
    price: perImage(0.08, { notes: 'bfl.ai list price per image' }),
  }),
];
