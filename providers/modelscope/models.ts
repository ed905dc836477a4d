import { z } from 'zod';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { free } from '../pricing';

/** ModelScope-specific data: the model id on ModelScope and its largest side. */
export interface ModelScopeModelExtra {
  wireModel: string;
  maxSide: number;
}
export type ModelScopeModel = ModelSpec & ModelScopeModelExtra;

const size = (maxSide: number, fallback: string) =>
  z
    .string()
    .regex(/^\d{2,4}x\d{2,4}$/, 'must look like 1024x1024')
    .refine((v) => v.split('x').map(Number).every((n) => n >= 64 && n <= maxSide), `each side 64–${maxSide}`)
    .default(fallback);

/** The documented request fields of `POST /v1/images/generations` (besides model and prompt). */
const parameters = (maxSide: number, steps: number, guidance: number) =>
  z.strictObject({
    size: size(maxSide, '1024x1024'),
    negative_prompt: z.string().max(2000).optional(),
    seed: z.int().min(0).max(2 ** 31 - 1).optional(),
    steps: z.int().min(1).max(100).default(steps),
    guidance: z.number().min(1.5).max(20).default(guidance),
  });

export const qwenImageParameters = parameters(1664, 30, 4);
export const fluxKreaParameters = parameters(1024, 28, 3.5);
export const zImageTurboParameters = parameters(2048, 9, 1.5);

const common = { async: true, expectedDurationSeconds: 15, maxDurationSeconds: 600, inputImages: { mode: 'url' as const, max: 0 } };

// API-Inference is free within ModelScope's daily quota.
const FREE_WITHIN_QUOTA = free('ModelScope API-Inference is free within its daily call quota (2,000 calls a day per account)');

export const modelscopeModels: ModelScopeModel[] = [
  defineModel<typeof qwenImageParameters, ModelScopeModelExtra>({
    id: 'modelscope/qwen-image',
    wireModel: 'Qwen/Qwen-Image',
    maxSide: 1664,
    kinds: ['text-to-image'],
    description: 'Qwen-Image on ModelScope API-Inference: strong text rendering, Chinese and English; sizes up to 1664x1664',
    parameters: qwenImageParameters,
    ...common,
    price: FREE_WITHIN_QUOTA,
  }),
  defineModel<typeof fluxKreaParameters, ModelScopeModelExtra>({
    id: 'modelscope/flux-1-krea-dev',
    wireModel: 'black-forest-labs/FLUX.1-Krea-dev',
    maxSide: 1024,
    kinds: ['text-to-image'],
    description: 'FLUX.1 Krea [dev] on ModelScope API-Inference; sizes up to 1024x1024',
    parameters: fluxKreaParameters,
    ...common,
    price: FREE_WITHIN_QUOTA,
  }),
  defineModel<typeof zImageTurboParameters, ModelScopeModelExtra>({
    id: 'modelscope/z-image-turbo',
    wireModel: 'Tongyi-MAI/Z-Image-Turbo',
    maxSide: 2048,
    kinds: ['text-to-image'],
    description: 'Z-Image-Turbo on ModelScope API-Inference: few-step, fast',
    parameters: zImageTurboParameters,
    ...common,
    expectedDurationSeconds: 8,
    price: FREE_WITHIN_QUOTA,
  }),
  defineModel<typeof qwenImageParameters, ModelScopeModelExtra>({
    id: 'modelscope/qwen-image-edit',
    wireModel: 'Qwen/Qwen-Image-Edit',
    maxSide: 1664,
    kinds: ['image-to-image'],
    description: 'Qwen-Image-Edit on ModelScope API-Inference: edits one image (passed as a public URL, `image_url`) by instruction',
    parameters: qwenImageParameters,
    ...common,
    inputImages: { mode: 'url', max: 1 },
    price: FREE_WITHIN_QUOTA,
  }),
];
