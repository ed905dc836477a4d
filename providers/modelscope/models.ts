import { z } from 'zod';
import { imageAspectRatioField, oneShape } from '../core/aspect-ratio';
import { chatCompletionParameters } from '../core/chat-completions';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { free } from '../pricing';

/** ModelScope-specific data: the model id on ModelScope, its largest side (images) and which API it uses. */
export interface ModelScopeModelExtra {
  wireModel: string;
  /** Image models: the largest side `size` may have. */
  maxSide?: number;
  /** `images`: the async image task; `chat`: OpenAI-compatible chat completions, answered at once. */
  api?: 'images' | 'chat';
}
export type ModelScopeModel = ModelSpec & ModelScopeModelExtra;

const size = (maxSide: number, fallback: string) =>
  z
    .string()
    .regex(/^\d{2,4}x\d{2,4}$/, 'must look like 1024x1024')
    .refine((v) => v.split('x').map(Number).every((n) => n >= 64 && n <= maxSide), `each side 64–${maxSide}`)
    .optional()
    .describe(`"WxH"; ${fallback} when neither size nor aspectRatio is given`);

/** The size sent when a request gives neither `size` nor `aspectRatio`. */
export const DEFAULT_SIZE = '1024x1024';

/**
 * The documented request fields of `POST /v1/images/generations` (besides model and prompt),
 * and S0's `aspectRatio`, which becomes `size`; giving both is refused.
 */
const parameters = (maxSide: number, steps: number, guidance: number) =>
  z
    .strictObject({
      aspectRatio: imageAspectRatioField(),
      size: size(maxSide, DEFAULT_SIZE),
      negative_prompt: z.string().max(2000).optional(),
      seed: z.int().min(0).max(2 ** 31 - 1).optional(),
      steps: z.int().min(1).max(100).default(steps),
      guidance: z.number().min(1.5).max(20).default(guidance),
    })
    .refine(...oneShape(['size']));

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
  defineModel<typeof chatCompletionParameters, ModelScopeModelExtra>({
    id: 'modelscope/qwen3-235b-instruct',
    wireModel: 'Qwen/Qwen3-235B-A22B-Instruct-2507',
    api: 'chat',
    kinds: ['text-to-text'],
    description:
      'Qwen3-235B-A22B-Instruct-2507 on ModelScope API-Inference over its OpenAI-compatible /v1/chat/completions (a non-thinking model, so no enable_thinking switch): the prompt answered under a system prompt, stored as text/plain',
    parameters: chatCompletionParameters,
    inputImages: { mode: 'url', max: 0 },
    async: false,
    expectedDurationSeconds: 8,
    maxDurationSeconds: 120,
    price: FREE_WITHIN_QUOTA,
  }),
];
