import { z } from 'zod';
import { videoParameterFields, type VideoOptions } from '../../domain/video-options';
import { imageAspectRatioField, oneShape, type ImageSizeLimits } from '../core/aspect-ratio';
import { chatCompletionParameters, perChatToken } from '../core/chat-completions';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { perImage, priced, usd } from '../pricing';

/** Gitee-specific data: the model name on Gitee AI and which API it uses. */
export interface GiteeModelExtra {
  wireModel: string;
  api: 'generations' | 'edits' | 'text-to-video' | 'image-to-video' | 'chat';
  /** Image models with `aspectRatio`: how a ratio becomes the `size` field. */
  sizes?: ImageSizeLimits;
}
export type GiteeModel = ModelSpec & GiteeModelExtra;

const size = (maxSide: number) =>
  z
    .string()
    .regex(/^\d{2,4}x\d{2,4}$/, 'must look like 1024x1024')
    .refine((v) => v.split('x').map(Number).every((n) => n >= 256 && n <= maxSide), `each side 256–${maxSide}`)
    .optional()
    .describe('"WxH"; 1024x1024 when neither size nor aspectRatio is given');

/** The size Gitee renders when a request gives neither `size` nor `aspectRatio`. */
export const DEFAULT_SIZE = '1024x1024';

const seed = z.int().min(0).max(2 ** 31 - 1).optional();

export const zImageTurboParameters = z
  .strictObject({
    aspectRatio: imageAspectRatioField(),
    size: size(2048),
    num_inference_steps: z.int().min(1).max(20).default(9),
    seed,
  })
  .refine(...oneShape(['size']));

export const qwenImageParameters = z
  .strictObject({
    aspectRatio: imageAspectRatioField(),
    size: size(2048),
    negative_prompt: z.string().max(2000).optional(),
    num_inference_steps: z.int().min(4).max(50).default(20),
    guidance_scale: z.number().min(0).max(20).default(4),
    seed,
  })
  .refine(...oneShape(['size']));

export const qwenImageEditParameters = z.strictObject({
  num_inference_steps: z.int().min(1).max(50).default(4),
  guidance_scale: z.number().min(0).max(20).default(1),
  seed,
});

/** Wan 2.1 makes 81 frames at 16 fps: a 5 s clip. */
export const wanT2vVideo: VideoOptions = { durationsSeconds: [5], aspectRatios: ['16:9', '9:16', '1:1'], resolutions: ['480p'] };
/** The image-to-video model follows the input image's shape, so it takes no aspect ratio. */
export const wanI2vVideo: VideoOptions = { durationsSeconds: [5], resolutions: ['720p'] };

/** 480p frame sizes of Wan 2.1 per aspect ratio. */
export const WAN_480P_SIZES: Record<string, { width: number; height: number }> = {
  '16:9': { width: 832, height: 480 },
  '9:16': { width: 480, height: 832 },
  '1:1': { width: 624, height: 624 },
};

const wanOwn = {
  negative_prompt: z.string().max(2000).optional(),
  num_inference_steps: z.int().min(10).max(50).default(30),
  guidance_scale: z.number().min(1).max(10).default(5),
  seed,
};
export const wanT2vParameters = z.strictObject({ ...videoParameterFields(wanT2vVideo, { durationSeconds: 5 }), ...wanOwn });
export const wanI2vParameters = z.strictObject({ ...videoParameterFields(wanI2vVideo, { durationSeconds: 5 }), ...wanOwn });

const image = { async: false, expectedDurationSeconds: 10, maxDurationSeconds: 180 };
const video = { async: true, expectedDurationSeconds: 120, maxDurationSeconds: 1800 };

/**
 * Gitee AI bills CNY per call out of prepaid resource packages, and the docs at hand list no
 * price. Estimates at Alibaba Bailian's list price for the same open models, at ¥7.2 a dollar:
 * Qwen-Image ¥0.25 an image, Qwen-Image-Edit ¥0.3, Z-Image-Turbo ¥0.1 (assumed: a few-step
 * model priced below Qwen-Image), Wan 2.1 turbo (480p) ¥0.24 a second, Wan 2.1 plus (720p) ¥0.7.
 */
const CNY = 1 / 7.2;
const estimate = (what: string) => `estimate: ${what}; Gitee AI lists no public per-call price`;
export const giteeModels: GiteeModel[] = [
  defineModel<typeof zImageTurboParameters, GiteeModelExtra>({
    id: 'gitee/z-image-turbo',
    wireModel: 'z-image-turbo',
    api: 'generations',
    kinds: ['text-to-image'],
    description: 'Z-Image-Turbo on Gitee AI (模力方舟): few-step text-to-image',
    parameters: zImageTurboParameters,
    inputImages: { mode: 'base64', max: 0 },
    ...image,
    sizes: { base: 1024, maxSide: 2048 },
    price: perImage(usd(0.1 * CNY, 4), { notes: estimate('¥0.1 an image') }),
  }),
  defineModel<typeof qwenImageParameters, GiteeModelExtra>({
    id: 'gitee/qwen-image',
    wireModel: 'Qwen-Image',
    api: 'generations',
    kinds: ['text-to-image'],
    description: 'Qwen-Image on Gitee AI: text-to-image with strong Chinese and English text rendering',
    parameters: qwenImageParameters,
    inputImages: { mode: 'base64', max: 0 },
    ...image,
    expectedDurationSeconds: 20,
    sizes: { base: 1024, maxSide: 2048 },
    price: perImage(usd(0.25 * CNY, 4), { notes: estimate("Bailian's ¥0.25 an image") }),
  }),
  defineModel<typeof qwenImageEditParameters, GiteeModelExtra>({
    id: 'gitee/qwen-image-edit',
    wireModel: 'Qwen-Image-Edit-2511',
    api: 'edits',
    kinds: ['image-to-image'],
    description: 'Qwen-Image-Edit on Gitee AI: edits up to 3 images by instruction (OpenAI-style /v1/images/edits)',
    parameters: qwenImageEditParameters,
    inputImages: { mode: 'base64', max: 3 },
    ...image,
    expectedDurationSeconds: 20,
    price: perImage(usd(0.3 * CNY, 4), { notes: estimate("Bailian's ¥0.3 an edit") }),
  }),
  defineModel<typeof wanT2vParameters, GiteeModelExtra>({
    id: 'gitee/wan2.1-t2v',
    wireModel: 'Wan2.1-T2V-14B',
    api: 'text-to-video',
    kinds: ['text-to-video'],
    description: 'Wan 2.1 14B text-to-video on Gitee AI: 5 s, 480p (async task)',
    parameters: wanT2vParameters,
    inputImages: { mode: 'base64', max: 0 },
    video: wanT2vVideo,
    ...video,
    price: priced(wanT2vParameters, { unit: 'second', usd: usd(0.24 * CNY, 4), notes: estimate("Bailian's ¥0.24 a second of Wan 2.1 turbo") }, (p) => usd(0.24 * CNY * p.durationSeconds, 4)),
  }),
  defineModel<typeof wanI2vParameters, GiteeModelExtra>({
    id: 'gitee/wan2.1-i2v',
    wireModel: 'Wan2.1-I2V-14B-720P',
    api: 'image-to-video',
    kinds: ['image-to-video'],
    description: 'Wan 2.1 14B image-to-video on Gitee AI: 5 s, 720p, shaped like the input image (async task)',
    parameters: wanI2vParameters,
    inputImages: { mode: 'base64', max: 1 },
    video: wanI2vVideo,
    ...video,
    price: priced(wanI2vParameters, { unit: 'second', usd: usd(0.7 * CNY, 4), notes: estimate("Bailian's ¥0.7 a second of Wan 2.1 plus (720p)") }, (p) => usd(0.7 * CNY * p.durationSeconds, 4)),
  }),
  defineModel<typeof chatCompletionParameters, GiteeModelExtra>({
    id: 'gitee/qwen3-next-80b-instruct',
    wireModel: 'Qwen3-Next-80B-A3B-Instruct',
    api: 'chat',
    kinds: ['text-to-text'],
    description: 'Qwen3-Next-80B-A3B-Instruct on Gitee AI over its OpenAI-compatible /v1/chat/completions: the prompt answered under a system prompt (a prompt enhancer), stored as text/plain',
    parameters: chatCompletionParameters,
    inputImages: { mode: 'base64', max: 0 },
    async: false,
    expectedDurationSeconds: 5,
    maxDurationSeconds: 120,
    // Bailian lists qwen3-next-80b-a3b-instruct at ¥1 per million input tokens, ¥4 per million output.
    price: perChatToken(1 * CNY, 4 * CNY, estimate("Bailian's ¥1 per million input tokens and ¥4 per million output tokens of Qwen3-Next-80B-A3B-Instruct; the reply estimated at maxTokens")),
  }),
];
