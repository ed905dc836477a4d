import { z } from 'zod';
import { defineModel } from '../define-model';
import { klingModelRows, type KlingModel } from '../kling/models';
import type { ModelSpec } from '../types';
import { perImage, perRequest } from '../pricing';

/** Which TuZi API a model uses: the OpenAI-style image endpoint, the Kling proxy, or mj-proxy. */
export type TuziRoute = { api: 'images'; model: string; maxOutputs: number } | { api: 'kling'; kling: KlingModel } | { api: 'midjourney' };
export type TuziModel = ModelSpec & { route: TuziRoute };

export const tuziImageParameters = z.strictObject({
  size: z.enum(['1024x1024', '1536x1024', '1024x1536', 'auto']).default('1024x1024'),
  quality: z.enum(['low', 'medium', 'high', 'auto']).default('auto'),
});

export const tuziMidjourneyParameters = z.strictObject({
  botType: z.enum(['MID_JOURNEY', 'NIJI_JOURNEY']).default('MID_JOURNEY'),
  aspectRatio: z.enum(['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '2:1', '1:2']).optional().describe('Appended to the prompt as --ar'),
  version: z.enum(['7', '6.1', '6']).optional().describe('Appended to the prompt as --v'),
});

// TuZi resells at its own rates; these are estimates from its price list (USD).
export const tuziModels: TuziModel[] = [
  defineModel<typeof tuziImageParameters, { route: TuziRoute }>({
    id: 'tuzi/gpt-image-1',
    kinds: ['text-to-image'],
    description: 'GPT Image 1 through TuZi’s OpenAI-compatible image endpoint (up to 4 images)',
    parameters: tuziImageParameters,
    inputImages: { mode: 'url', max: 0 },
    async: false,
    expectedDurationSeconds: 40,
    maxDurationSeconds: 300,
    price: perImage(0.04, { notes: 'TuZi price list (estimate; TuZi resells at its own rates)' }),
    route: { api: 'images', model: 'gpt-image-1', maxOutputs: 4 },
  }),
  ...klingModelRows('tuzi', ' through TuZi’s Kling proxy').map((kling): TuziModel => ({ ...kling, route: { api: 'kling', kling } })),
  defineModel<typeof tuziMidjourneyParameters, { route: TuziRoute }>({
    id: 'tuzi/midjourney',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'Midjourney imagine through TuZi (mj-proxy): one four-image grid; reference images inline',
    parameters: tuziMidjourneyParameters,
    inputImages: { mode: 'base64', max: 5 },
    async: true,
    expectedDurationSeconds: 60,
    maxDurationSeconds: 1200,
    price: perRequest(0.1, { notes: 'TuZi price list: one four-image grid (estimate)' }),
    route: { api: 'midjourney' },
  }),
];

export function findTuziModel(id: string): TuziModel | undefined {
  return tuziModels.find((m) => m.id === id);
}
