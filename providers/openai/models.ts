import { z } from 'zod';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { priced } from '../pricing';
import { chatParametersUpTo, estimatedTokens } from '../core/chat-completions';

/** What the adapter needs beyond the shared spec: the model's name on the wire and its API. */
export interface OpenAIModelExtra {
  wireModel: string;
  api: 'images' | 'chat';
  /** The Images API's prompt length limit for this model. */
  maxPromptChars?: number;
}
export type OpenAIModel = ModelSpec & OpenAIModelExtra;

// Prices (USD) from openai.com/api/pricing: per image by quality and size; per token for chat.
const GPT_IMAGE_PRICES = {
  low: { square: 0.011, wide: 0.016 },
  medium: { square: 0.042, wide: 0.063 },
  high: { square: 0.167, wide: 0.25 },
} as const;

export const gptImage1Parameters = z
  .strictObject({
    size: z.enum(['auto', '1024x1024', '1536x1024', '1024x1536']).default('auto'),
    quality: z.enum(['auto', 'low', 'medium', 'high']).default('auto'),
    background: z.enum(['auto', 'transparent', 'opaque']).default('auto'),
    output_format: z.enum(['png', 'jpeg', 'webp']).default('png'),
    output_compression: z.int().min(0).max(100).optional().describe('jpeg/webp only'),
    moderation: z.enum(['auto', 'low']).default('auto'),
    input_fidelity: z.enum(['low', 'high']).optional().describe('Edits only: how closely to keep the input images'),
    mask: z.string().min(1).optional().describe('Edits only: PNG mask (data URL or URL) whose transparent pixels mark what to change'),
  })
  .refine((p) => !(p.background === 'transparent' && p.output_format === 'jpeg'), {
    message: 'a transparent background needs output_format png or webp',
    path: ['background'],
  })
  .refine((p) => p.output_compression === undefined || p.output_format !== 'png', {
    message: 'output_compression applies to jpeg and webp only',
    path: ['output_compression'],
  });

export const dallE3Parameters = z.strictObject({
  size: z.enum(['1024x1024', '1792x1024', '1024x1792']).default('1024x1024'),
  quality: z.enum(['standard', 'hd']).default('standard'),
  style: z.enum(['vivid', 'natural']).default('vivid'),
  response_format: z.enum(['url', 'b64_json']).default('url'),
});

export const dallE2Parameters = z.strictObject({
  size: z.enum(['256x256', '512x512', '1024x1024']).default('1024x1024'),
  response_format: z.enum(['url', 'b64_json']).default('url'),
  mask: z.string().min(1).optional().describe('Edits only: PNG mask (data URL or URL), same size as the image'),
});

/** The shared chat parameters (providers/core/chat-completions.ts), with GPT-4o mini's longer reply cap. */
export const chatParameters = chatParametersUpTo(16_384);

export const openaiModels: OpenAIModel[] = [
  defineModel<typeof gptImage1Parameters, OpenAIModelExtra>({
    id: 'openai/gpt-image-1',
    wireModel: 'gpt-image-1',
    api: 'images',
    maxPromptChars: 32_000,
    kinds: ['text-to-image', 'image-to-image'],
    description: 'OpenAI GPT Image 1: generations, and edits with up to 16 reference images and an optional mask; always base64 output',
    parameters: gptImage1Parameters,
    inputImages: { mode: 'either', max: 16 },
    async: false,
    expectedDurationSeconds: 30,
    maxDurationSeconds: 240,
    price: priced(gptImage1Parameters, {
      unit: 'image',
      usd: GPT_IMAGE_PRICES.medium.square,
      tiers: (['low', 'medium', 'high'] as const).flatMap((q) => [
        { when: `quality=${q}, size=1024x1024`, usd: GPT_IMAGE_PRICES[q].square },
        { when: `quality=${q}, size=1536x1024 or 1024x1536`, usd: GPT_IMAGE_PRICES[q].wide },
      ]),
      notes: 'OpenAI list price per image; quality auto is estimated as medium',
    }, (p, n) => {
      // `auto` lets OpenAI pick; medium is the usual choice and a fair estimate.
      const tier = GPT_IMAGE_PRICES[p.quality === 'auto' ? 'medium' : p.quality];
      const wide = p.size === '1536x1024' || p.size === '1024x1536';
      return (wide ? tier.wide : tier.square) * n;
    }),
  }),
  defineModel<typeof dallE3Parameters, OpenAIModelExtra>({
    id: 'openai/dall-e-3',
    wireModel: 'dall-e-3',
    api: 'images',
    maxPromptChars: 4_000,
    kinds: ['text-to-image'],
    description: 'OpenAI DALL·E 3: one image per request, standard or HD, vivid or natural style',
    parameters: dallE3Parameters,
    inputImages: { mode: 'either', max: 0 },
    async: false,
    expectedDurationSeconds: 15,
    maxDurationSeconds: 120,
    price: priced(dallE3Parameters, {
      unit: 'image',
      usd: 0.04,
      tiers: [
        { when: 'quality=standard, size 1792x1024 or 1024x1792', usd: 0.08 },
        { when: 'quality=hd, size=1024x1024', usd: 0.08 },
        { when: 'quality=hd, size 1792x1024 or 1024x1792', usd: 0.12 },
      ],
      notes: 'OpenAI list price per image',
    }, (p) => {
      const square = p.size === '1024x1024';
      if (p.quality === 'hd') return square ? 0.08 : 0.12;
      return square ? 0.04 : 0.08;
    }),
  }),
  defineModel<typeof dallE2Parameters, OpenAIModelExtra>({
    id: 'openai/dall-e-2',
    wireModel: 'dall-e-2',
    api: 'images',
    maxPromptChars: 1_000,
    kinds: ['text-to-image', 'image-to-image'],
    description: 'OpenAI DALL·E 2: generations and edits of one square PNG (under 4 MB) with an optional mask',
    parameters: dallE2Parameters,
    inputImages: { mode: 'either', max: 1 },
    async: false,
    expectedDurationSeconds: 10,
    maxDurationSeconds: 120,
    price: priced(dallE2Parameters, { unit: 'image', usd: 0.02, tiers: [{ when: 'size=512x512', usd: 0.018 }, { when: 'size=256x256', usd: 0.016 }], notes: 'OpenAI list price per image' }, (p, n) => ({ '256x256': 0.016, '512x512': 0.018, '1024x1024': 0.02 })[p.size] * n),
  }),
  defineModel<typeof chatParameters, OpenAIModelExtra>({
    id: 'openai/gpt-4o-mini',
    wireModel: 'gpt-4o-mini',
    api: 'chat',
    kinds: ['text-to-text'],
    description: 'OpenAI GPT-4o mini over chat completions: the prompt answered under a system prompt, stored as text/plain',
    parameters: chatParameters,
    inputImages: { mode: 'either', max: 0 },
    async: false,
    expectedDurationSeconds: 5,
    maxDurationSeconds: 120,
    // $0.15 per million input tokens, $0.60 per million output tokens; the reply at its cap.
    price: priced(chatParameters, { unit: 'token', usd: 0.0000006, notes: 'OpenAI list price: $0.15 per million input tokens, $0.60 per million output tokens; estimated with the reply at maxTokens' }, (p) => (estimatedTokens(p.systemPrompt) * 0.15 + p.maxTokens * 0.6) / 1_000_000),
  }),
];
