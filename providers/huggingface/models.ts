import { z } from 'zod';
import { imageAspectRatioField, oneShape, type ImageSizeLimits } from '../core/aspect-ratio';
import { chatCompletionParameters, perChatToken } from '../core/chat-completions';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { free, perImage } from '../pricing';

/**
 * One value of a Gradio endpoint's `data` array: the prompt, a parameter by name, an input
 * image (uploaded to the Space first), or a constant.
 */
/** What fills one positional input of a Space: `input` names that input when genflow's parameter name differs (`scale` → `outscale`). */
export type GradioSlot = { from: 'prompt' } | { from: 'parameter'; name: string; input?: string } | { from: 'image'; index: number } | { value: unknown };

export interface GradioCall {
  /** `owner/name` of the Space. */
  space: string;
  /** The endpoint, as `/gradio_api/call/<apiName>`. */
  apiName: string;
  /** How the request maps onto the endpoint's positional inputs. */
  inputs: readonly GradioSlot[];
  /** Which element of the completion's data array is the output file. */
  output: number;
}

/** Image models with `aspectRatio`: how a ratio becomes `width`/`height`. */
type Sized = { sizes?: ImageSizeLimits };
export type HuggingFaceModelExtra =
  | ({ api: 'inference'; repo: string } & Sized)
  | ({ api: 'gradio'; gradio: GradioCall } & Sized)
  /** The router's OpenAI-compatible chat completions; `wireModel` is the Hub repo id. */
  | { api: 'chat'; wireModel: string };
export type HuggingFaceModel = ModelSpec & HuggingFaceModelExtra;

const seed = z.int().min(0).max(2 ** 31 - 1).optional();
/** The side sent when a request gives neither the side nor `aspectRatio`. */
export const DEFAULT_SIDE = 1024;
/** About a megapixel whatever the ratio; multiples of 16 satisfy the router's and the Spaces' multiple of 8. */
const SIZES: ImageSizeLimits = { base: DEFAULT_SIDE, maxSide: 2048, multiple: 16 };
const side = () =>
  z
    .int()
    .min(256)
    .max(2048)
    .refine((v) => v % 8 === 0, 'must be a multiple of 8')
    .optional()
    .describe(`pixels, a multiple of 8; ${DEFAULT_SIDE} when neither it nor aspectRatio is given`);

export const fluxSchnellParameters = z
  .strictObject({
    aspectRatio: imageAspectRatioField(),
    width: side(),
    height: side(),
    num_inference_steps: z.int().min(1).max(16).default(4),
    seed,
  })
  .refine(...oneShape(['width', 'height']));

export const sdxlParameters = z
  .strictObject({
    aspectRatio: imageAspectRatioField(),
    width: side(),
    height: side(),
    negative_prompt: z.string().max(2000).optional(),
    num_inference_steps: z.int().min(1).max(100).default(30),
    guidance_scale: z.number().min(0).max(20).default(7),
    seed,
  })
  .refine(...oneShape(['width', 'height']));

export const fluxSchnellSpaceParameters = z
  .strictObject({
    aspectRatio: imageAspectRatioField(),
    seed: z.int().min(0).max(2 ** 31 - 1).default(0),
    randomize_seed: z.boolean().default(true),
    width: side(),
    height: side(),
    num_inference_steps: z.int().min(1).max(50).default(4),
  })
  .refine(...oneShape(['width', 'height']));

/**
 * The Real-ESRGAN Space's `realesrgan(img, model_name, denoise_strength, face_enhance, outscale)`:
 * `outscale` is the factor (×2 or ×4 offered; the Space renders ×4 and resizes to it).
 * `denoise_strength` acts on `realesr-general-x4v3` only.
 */
export const REAL_ESRGAN_MODELS = ['RealESRGAN_x4plus', 'RealESRNet_x4plus', 'RealESRGAN_x4plus_anime_6B', 'RealESRGAN_x2plus', 'realesr-general-x4v3'] as const;
export const realEsrganSpaceParameters = z.strictObject({
  // genflow's one name for an upscale factor (README "Providers"); the Space's own input is `outscale`.
  scale: z.literal([2, 4]).default(4).describe('Upscale factor: 2 or 4'),
  model_name: z.enum(REAL_ESRGAN_MODELS).default('RealESRGAN_x4plus').describe('Real-ESRGAN weights: general photos (x4plus), anime (anime_6B), or the small general-x4v3'),
  denoise_strength: z.number().min(0).max(1).default(0.5).describe('realesr-general-x4v3 only'),
  face_enhance: z.boolean().default(false).describe('Restore faces with GFPGAN'),
});

export const kontextSpaceParameters = z.strictObject({
  seed: z.int().min(0).max(2 ** 31 - 1).default(0),
  randomize_seed: z.boolean().default(true),
  guidance_scale: z.number().min(1).max(10).default(2.5),
  steps: z.int().min(1).max(30).default(28),
});

const param = (name: string, input?: string): GradioSlot => ({ from: 'parameter', name, ...(input ? { input } : {}) });

/**
 * HF Inference bills compute time (after the account's monthly credits; no public per-image list
 * price), so the two Inference models carry an estimate of a few seconds of GPU. Public Gradio
 * Spaces on ZeroGPU cost nothing: calls count against the account's daily ZeroGPU quota.
 */
const SPACE = free("a public Gradio Space on ZeroGPU: no charge, calls count against the account's daily GPU quota");
export const huggingfaceModels: HuggingFaceModel[] = [
  defineModel<typeof fluxSchnellParameters, HuggingFaceModelExtra>({
    id: 'huggingface/flux-1-schnell',
    api: 'inference',
    repo: 'black-forest-labs/FLUX.1-schnell',
    kinds: ['text-to-image'],
    description: 'FLUX.1 [schnell] on Hugging Face Inference Providers (HF Inference): raw image bytes',
    parameters: fluxSchnellParameters,
    sizes: SIZES,
    inputImages: { mode: 'base64', max: 0 },
    async: false,
    expectedDurationSeconds: 5,
    maxDurationSeconds: 120,
    price: perImage(0.003, { notes: 'estimate: HF Inference bills compute time; about the market price of a FLUX.1 [schnell] image' }),
  }),
  defineModel<typeof sdxlParameters, HuggingFaceModelExtra>({
    id: 'huggingface/sdxl',
    api: 'inference',
    repo: 'stabilityai/stable-diffusion-xl-base-1.0',
    kinds: ['text-to-image'],
    description: 'Stable Diffusion XL base 1.0 on Hugging Face Inference Providers (HF Inference)',
    parameters: sdxlParameters,
    sizes: SIZES,
    inputImages: { mode: 'base64', max: 0 },
    async: false,
    expectedDurationSeconds: 10,
    maxDurationSeconds: 120,
    price: perImage(0.004, { notes: 'estimate: HF Inference bills compute time; about 10 s of a small GPU per SDXL image' }),
  }),
  defineModel<typeof fluxSchnellSpaceParameters, HuggingFaceModelExtra>({
    id: 'huggingface/space-flux-1-schnell',
    api: 'gradio',
    gradio: {
      space: 'black-forest-labs/FLUX.1-schnell',
      apiName: 'infer',
      inputs: [{ from: 'prompt' }, param('seed'), param('randomize_seed'), param('width'), param('height'), param('num_inference_steps')],
      output: 0,
    },
    kinds: ['text-to-image'],
    description: 'FLUX.1 [schnell] through its Gradio Space (black-forest-labs/FLUX.1-schnell, /infer)',
    parameters: fluxSchnellSpaceParameters,
    sizes: SIZES,
    inputImages: { mode: 'base64', max: 0 },
    async: false,
    expectedDurationSeconds: 20,
    maxDurationSeconds: 300,
    price: SPACE,
  }),
  defineModel<typeof kontextSpaceParameters, HuggingFaceModelExtra>({
    id: 'huggingface/space-flux-1-kontext',
    api: 'gradio',
    gradio: {
      space: 'black-forest-labs/FLUX.1-Kontext-Dev',
      apiName: 'infer',
      inputs: [{ from: 'image', index: 0 }, { from: 'prompt' }, param('seed'), param('randomize_seed'), param('guidance_scale'), param('steps')],
      output: 0,
    },
    kinds: ['image-to-image'],
    description: 'FLUX.1 Kontext [dev] through its Gradio Space: edits one image by instruction (uploaded to the Space)',
    parameters: kontextSpaceParameters,
    inputImages: { mode: 'base64', max: 1 },
    async: false,
    expectedDurationSeconds: 40,
    maxDurationSeconds: 300,
    price: SPACE,
  }),
  defineModel<typeof realEsrganSpaceParameters, HuggingFaceModelExtra>({
    id: 'huggingface/space-real-esrgan',
    api: 'gradio',
    gradio: {
      space: 'tuan2308/Upscaler',
      apiName: 'realesrgan',
      inputs: [{ from: 'image', index: 0 }, param('model_name'), param('denoise_strength'), param('face_enhance'), param('scale', 'outscale')],
      output: 0,
    },
    kinds: ['upscale'],
    description: 'Real-ESRGAN ×2 or ×4 through a public Gradio Space (tuan2308/Upscaler, /realesrgan): one image in, the upscaled image out',
    parameters: realEsrganSpaceParameters,
    inputImages: { mode: 'base64', max: 1 },
    async: false,
    expectedDurationSeconds: 20,
    maxDurationSeconds: 300,
    price: SPACE,
  }),
  defineModel<typeof chatCompletionParameters, HuggingFaceModelExtra>({
    id: 'huggingface/llama-3.3-70b-instruct',
    api: 'chat',
    wireModel: 'meta-llama/Llama-3.3-70B-Instruct',
    kinds: ['text-to-text'],
    description: "Llama 3.3 70B Instruct through Inference Providers' OpenAI-compatible router (/v1/chat/completions): the prompt answered under a system prompt, stored as text/plain",
    parameters: chatCompletionParameters,
    inputImages: { mode: 'base64', max: 0 },
    async: false,
    expectedDurationSeconds: 5,
    maxDurationSeconds: 120,
    // The router bills the serving provider's own rate, passed through without markup.
    price: perChatToken(0.88, 0.88, "estimate: the router passes on the serving provider's rate without markup; Llama 3.3 70B is listed at about $0.88 per million tokens in and out; the reply estimated at maxTokens"),
  }),
];
