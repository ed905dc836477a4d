import { z } from 'zod';
import { videoParameterFields, type VideoOptions } from '../../domain/video-options';
import type { ModelSpec } from '../types';
import { perImage, priced } from '../pricing';

/**
 * Google's image and video models on the Gemini API (generativelanguage.googleapis.com).
 * `api` picks the wire format: `generateContent` for Gemini image models, `predict` for
 * Imagen, `predictLongRunning` + operation polling for Veo.
 */
export interface GoogleModel extends ModelSpec {
  api: 'gemini-image' | 'imagen' | 'veo';
  /** The model name in the URL path. */
  wireModel: string;
  maxOutputs: number;
}

const GEMINI_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;

export const geminiFlashImageParameters = z.strictObject({
  aspectRatio: z.enum(GEMINI_RATIOS).optional().describe('Without it the model picks, or follows the input image'),
});

export const geminiProImageParameters = z.strictObject({
  aspectRatio: z.enum(GEMINI_RATIOS).optional(),
  imageSize: z.enum(['1K', '2K', '4K']).default('1K'),
});

export const imagenParameters = z.strictObject({
  aspectRatio: z.enum(['1:1', '3:4', '4:3', '9:16', '16:9']).default('1:1'),
  personGeneration: z.enum(['dont_allow', 'allow_adult', 'allow_all']).default('allow_adult'),
  imageSize: z.enum(['1K', '2K']).default('1K').describe('Imagen 4 Standard and Ultra only'),
});

export const imagenFastParameters = imagenParameters.omit({ imageSize: true });

const VEO_SHAPES = { aspectRatios: ['16:9', '9:16'], resolutions: ['720p', '1080p'] } as const;
export const veo3Video: VideoOptions = { durationsSeconds: [8], ...VEO_SHAPES };
export const veo31Video: VideoOptions = { durationsSeconds: [4, 6, 8], ...VEO_SHAPES };

const veoOwn = {
  negativePrompt: z.string().max(2000).optional(),
  personGeneration: z.enum(['allow_all', 'allow_adult', 'dont_allow']).optional().describe('Text-to-video allows allow_all; image-to-video allow_adult'),
};
export const veo3Parameters = z.strictObject({ ...videoParameterFields(veo3Video, { durationSeconds: 8 }), ...veoOwn });
export const veo31Parameters = z.strictObject({ ...videoParameterFields(veo31Video, { durationSeconds: 8 }), ...veoOwn });

// Published Gemini API list prices (USD) at the time of writing.
export const googleModels: GoogleModel[] = [
  {
    id: 'google/gemini-2.5-flash-image',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'Gemini 2.5 Flash Image ("Nano Banana"): generation and editing with up to 3 reference images',
    parameters: geminiFlashImageParameters,
    inputImages: { mode: 'base64', max: 3 },
    async: false,
    expectedDurationSeconds: 10,
    maxDurationSeconds: 120,
    price: perImage(0.039, { notes: 'Gemini API list price: 1290 output tokens at $30 per million' }),
    api: 'gemini-image',
    wireModel: 'gemini-2.5-flash-image',
    maxOutputs: 1,
  },
  {
    id: 'google/gemini-3-pro-image',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'Gemini 3 Pro Image: up to 4K output and up to 14 reference images',
    parameters: geminiProImageParameters,
    inputImages: { mode: 'base64', max: 14 },
    async: false,
    expectedDurationSeconds: 30,
    maxDurationSeconds: 300,
    price: priced(geminiProImageParameters, { unit: 'image', usd: 0.134, tiers: [{ when: 'imageSize=4K', usd: 0.24 }], notes: 'Gemini API list price: $0.134 per 1K/2K image, $0.24 per 4K image' }, (p) => (p.imageSize === '4K' ? 0.24 : 0.134)),
    api: 'gemini-image',
    wireModel: 'gemini-3-pro-image-preview',
    maxOutputs: 1,
  },
  ...([
    ['google/imagen-4', 'imagen-4.0-generate-001', 'Imagen 4', 0.04, 4, imagenParameters],
    ['google/imagen-4-ultra', 'imagen-4.0-ultra-generate-001', 'Imagen 4 Ultra', 0.06, 1, imagenParameters],
    ['google/imagen-4-fast', 'imagen-4.0-fast-generate-001', 'Imagen 4 Fast', 0.02, 4, imagenFastParameters],
  ] as const).map(
    ([id, wireModel, name, usd, maxOutputs, parameters]): GoogleModel => ({
      id,
      kinds: ['text-to-image'],
      description: `${name} text-to-image (Gemini API predict)`,
      parameters,
      inputImages: { mode: 'base64', max: 0 },
      async: false,
      expectedDurationSeconds: 10,
      maxDurationSeconds: 120,
      price: perImage(usd, { notes: `Gemini API list price of ${name}` }),
      api: 'imagen',
      wireModel,
      maxOutputs,
    }),
  ),
  ...([
    ['google/veo-3', 'veo-3.0-generate-001', 'Veo 3', 0.4, veo3Parameters, veo3Video],
    ['google/veo-3-fast', 'veo-3.0-fast-generate-001', 'Veo 3 Fast', 0.15, veo3Parameters, veo3Video],
    ['google/veo-3.1', 'veo-3.1-generate-preview', 'Veo 3.1', 0.4, veo31Parameters, veo31Video],
  ] as const).map(
    ([id, wireModel, name, perSecond, parameters, video]): GoogleModel => ({
      id,
      kinds: ['text-to-video', 'image-to-video'],
      description: `${name}: video with audio from text or a first frame (long-running operation)`,
      parameters,
      inputImages: { mode: 'base64', max: 1 },
      video,
      async: true,
      expectedDurationSeconds: 90,
      maxDurationSeconds: 900,
      price: priced(parameters, { unit: 'second', usd: perSecond, notes: `Gemini API list price of ${name}, with audio` }, (p) => Math.round(perSecond * p.durationSeconds * 100) / 100),
      api: 'veo',
      wireModel,
      maxOutputs: 1,
    }),
  ),
];

export function findGoogleModel(id: string): GoogleModel | undefined {
  return googleModels.find((m) => m.id === id);
}
