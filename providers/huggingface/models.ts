import { z } from 'zod';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { free, perImage } from '../pricing';

/**
 * One value of a Gradio endpoint's `data` array: the prompt, a parameter by name, an input
 * image (uploaded to the Space first), or a constant.
 */
export type GradioSlot = { from: 'prompt' } | { from: 'parameter'; name: string } | { from: 'image'; index: number } | { value: unknown };

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

export type HuggingFaceModelExtra = { api: 'inference'; repo: string } | { api: 'gradio'; gradio: GradioCall };
export type HuggingFaceModel = ModelSpec & HuggingFaceModelExtra;

const seed = z.int().min(0).max(2 ** 31 - 1).optional();
const side = (fallback: number) => z.int().min(256).max(2048).refine((v) => v % 8 === 0, 'must be a multiple of 8').default(fallback);

export const fluxSchnellParameters = z.strictObject({
  width: side(1024),
  height: side(1024),
  num_inference_steps: z.int().min(1).max(16).default(4),
  seed,
});

export const sdxlParameters = z.strictObject({
  width: side(1024),
  height: side(1024),
  negative_prompt: z.string().max(2000).optional(),
  num_inference_steps: z.int().min(1).max(100).default(30),
  guidance_scale: z.number().min(0).max(20).default(7),
  seed,
});

export const fluxSchnellSpaceParameters = z.strictObject({
  seed: z.int().min(0).max(2 ** 31 - 1).default(0),
  randomize_seed: z.boolean().default(true),
  width: side(1024),
  height: side(1024),
  num_inference_steps: z.int().min(1).max(50).default(4),
});

export const kontextSpaceParameters = z.strictObject({
  seed: z.int().min(0).max(2 ** 31 - 1).default(0),
  randomize_seed: z.boolean().default(true),
  guidance_scale: z.number().min(1).max(10).default(2.5),
  steps: z.int().min(1).max(30).default(28),
});

const param = (name: string): GradioSlot => ({ from: 'parameter', name });

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
];
