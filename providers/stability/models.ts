import { z } from 'zod';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { perImage } from '../pricing';

/**
 * Stability's Stable Image endpoints (`/v2beta/stable-image/<endpoint>`): multipart form in,
 * image bytes out. `fields` lists the form fields the endpoint documents (besides prompt and
 * image), so nothing undocumented is sent.
 */
export interface StabilityModelExtra {
  endpoint: string;
  /** Extra fixed form fields (sd3's `model`). */
  fixed?: Record<string, string>;
  /** Whether the prompt is sent (fast upscale takes none). */
  sendsPrompt: boolean;
}
export type StabilityModel = ModelSpec & StabilityModelExtra;

const ASPECT_RATIOS = ['16:9', '1:1', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'] as const;
const STYLE_PRESETS = [
  '3d-model', 'analog-film', 'anime', 'cinematic', 'comic-book', 'digital-art', 'enhance', 'fantasy-art', 'isometric',
  'line-art', 'low-poly', 'modeling-compound', 'neon-punk', 'origami', 'photographic', 'pixel-art', 'tile-texture',
] as const;

const seed = z.int().min(0).max(4294967294).optional().describe('0 or absent: random');
const negativePrompt = z.string().max(10000).optional();
const formats = z.enum(['png', 'jpeg', 'webp']).default('png');

export const ultraParameters = z.strictObject({
  aspect_ratio: z.enum(ASPECT_RATIOS).default('1:1').describe('Ignored when an input image is given'),
  negative_prompt: negativePrompt,
  seed,
  style_preset: z.enum(STYLE_PRESETS).optional(),
  strength: z.number().min(0).max(1).default(0.5).describe('With an input image: 0 keeps it, 1 ignores it'),
  output_format: formats,
});

export const coreParameters = z.strictObject({
  aspect_ratio: z.enum(ASPECT_RATIOS).default('1:1'),
  negative_prompt: negativePrompt,
  seed,
  style_preset: z.enum(STYLE_PRESETS).optional(),
  output_format: formats,
});

export const sd3Parameters = z.strictObject({
  aspect_ratio: z.enum(ASPECT_RATIOS).default('1:1').describe('Text-to-image only'),
  negative_prompt: negativePrompt,
  seed,
  cfg_scale: z.number().min(1).max(10).optional(),
  strength: z.number().min(0).max(1).default(0.6).describe('Image-to-image only'),
  output_format: z.enum(['png', 'jpeg']).default('png'),
});

export const fastUpscaleParameters = z.strictObject({ output_format: formats });

export const conservativeUpscaleParameters = z.strictObject({
  negative_prompt: negativePrompt,
  seed,
  creativity: z.number().min(0.2).max(0.5).default(0.35),
  output_format: formats,
});

export const creativeUpscaleParameters = z.strictObject({
  negative_prompt: negativePrompt,
  seed,
  creativity: z.number().min(0.1).max(0.5).default(0.3),
  style_preset: z.enum(STYLE_PRESETS).optional(),
  output_format: formats,
});

const sync = { async: false, expectedDurationSeconds: 10, maxDurationSeconds: 120 };

// Prices: Stability credits at $0.01 each (platform.stability.ai/pricing).
export const stabilityModels: StabilityModel[] = [
  defineModel<typeof ultraParameters, StabilityModelExtra>({
    id: 'stability/stable-image-ultra',
    endpoint: 'generate/ultra',
    sendsPrompt: true,
    kinds: ['text-to-image', 'image-to-image'],
    description: 'Stable Image Ultra: the most photorealistic Stability model; optional input image with strength',
    parameters: ultraParameters,
    inputImages: { mode: 'base64', max: 1 },
    ...sync,
    price: perImage(0.08, { notes: 'Stability: 8 credits at $0.01' }),
  }),
  defineModel<typeof coreParameters, StabilityModelExtra>({
    id: 'stability/stable-image-core',
    endpoint: 'generate/core',
    sendsPrompt: true,
    kinds: ['text-to-image'],
    description: 'Stable Image Core: fast and affordable, style presets',
    parameters: coreParameters,
    inputImages: { mode: 'base64', max: 0 },
    ...sync,
    price: perImage(0.03, { notes: 'Stability: 3 credits at $0.01' }),
  }),
  ...([
    ['stability/sd3.5-large', 'sd3.5-large', 'Stable Diffusion 3.5 Large', 0.065],
    ['stability/sd3.5-large-turbo', 'sd3.5-large-turbo', 'Stable Diffusion 3.5 Large Turbo', 0.04],
    ['stability/sd3.5-medium', 'sd3.5-medium', 'Stable Diffusion 3.5 Medium', 0.035],
    ['stability/sd3.5-flash', 'sd3.5-flash', 'Stable Diffusion 3.5 Flash', 0.025],
  ] as const).map(([id, wire, name, usd]) =>
    defineModel<typeof sd3Parameters, StabilityModelExtra>({
      id,
      endpoint: 'generate/sd3',
      fixed: { model: wire },
      sendsPrompt: true,
      kinds: ['text-to-image', 'image-to-image'],
      description: `${name}: text-to-image, or image-to-image with strength`,
      parameters: sd3Parameters,
      inputImages: { mode: 'base64', max: 1 },
      ...sync,
      price: perImage(usd, { notes: `Stability: ${Number((usd * 100).toFixed(1))} credits at $0.01` }),
    }),
  ),
  defineModel<typeof fastUpscaleParameters, StabilityModelExtra>({
    id: 'stability/upscale-fast',
    endpoint: 'upscale/fast',
    sendsPrompt: false,
    kinds: ['upscale'],
    description: 'Fast upscale: 4x, about a second, no prompt (the prompt is not used)',
    parameters: fastUpscaleParameters,
    inputImages: { mode: 'base64', max: 1 },
    ...sync,
    price: perImage(0.02, { notes: 'Stability: 2 credits at $0.01' }),
  }),
  defineModel<typeof conservativeUpscaleParameters, StabilityModelExtra>({
    id: 'stability/upscale-conservative',
    endpoint: 'upscale/conservative',
    sendsPrompt: true,
    kinds: ['upscale'],
    description: 'Conservative upscale to 4 megapixels, minimal alteration, guided by the prompt',
    parameters: conservativeUpscaleParameters,
    inputImages: { mode: 'base64', max: 1 },
    ...sync,
    maxDurationSeconds: 300,
    price: perImage(0.4, { notes: 'Stability: 40 credits at $0.01' }),
  }),
  defineModel<typeof creativeUpscaleParameters, StabilityModelExtra>({
    id: 'stability/upscale-creative',
    endpoint: 'upscale/creative',
    sendsPrompt: true,
    kinds: ['upscale'],
    description: 'Creative upscale of a degraded image to 4K, reimagined by the prompt (async, polled at /v2beta/results)',
    parameters: creativeUpscaleParameters,
    inputImages: { mode: 'base64', max: 1 },
    async: true,
    expectedDurationSeconds: 30,
    maxDurationSeconds: 600,
    price: perImage(0.6, { notes: 'Stability: 60 credits at $0.01' }),
  }),
];
