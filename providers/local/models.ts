import { z } from 'zod';
import type { ModelSpec } from '../types';
import { PROMPT_STYLES } from './rewrite-prompt';
import { free } from '../pricing';

export const LocalModelId = {
  image: 'local/image',
  speech: 'local/speech',
  video: 'local/video',
  text: 'local/text',
} as const;
export type LocalModelId = (typeof LocalModelId)[keyof typeof LocalModelId];

/** Codes a caller may ask the local provider to fail with, to exercise retries and fallbacks. */
export const INJECTABLE_FAILURES = [
  'RATE_LIMITED',
  'PROVIDER_ERROR',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'CONTENT_REJECTED',
  'QUOTA_EXCEEDED',
  'AUTHENTICATION_FAILED',
  'INVALID_PARAMETERS',
] as const;
export type InjectableFailure = (typeof INJECTABLE_FAILURES)[number];

const failureParameters = {
  failWith: z.enum(INJECTABLE_FAILURES).optional().describe('Fail submit with this error code (failure injection)'),
  failTimes: z
    .int()
    .min(1)
    .optional()
    .describe('Fail only the first N attempts; without it every attempt fails'),
};

const seed = z.int().min(0).default(0).describe('Same prompt and seed give the same output');

export const imageParameters = z.strictObject({
  width: z.int().min(64).max(2048).default(512),
  height: z.int().min(64).max(2048).default(512),
  format: z.enum(['png', 'jpeg', 'webp']).default('png'),
  seed,
  ...failureParameters,
});
export type ImageParameters = z.infer<typeof imageParameters>;

export const SPEECH_VOICES = ['alto', 'soprano', 'tenor', 'bass'] as const;
export const SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

export const speechParameters = z.strictObject({
  voice: z.enum(SPEECH_VOICES).default('alto'),
  speed: z.number().min(0.5).max(2).default(1),
  sampleRate: z.literal(SAMPLE_RATES).default(22050),
  ...failureParameters,
});
export type SpeechParameters = z.infer<typeof speechParameters>;

export const videoParameters = z.strictObject({
  durationSeconds: z.number().min(1).max(60).default(3).describe('Both the job time and the clip length'),
  width: z.int().min(64).max(1024).default(256),
  height: z.int().min(64).max(1024).default(256),
  fps: z.int().min(1).max(24).default(8),
  format: z.enum(['webp', 'gif']).default('webp'),
  seed,
  ...failureParameters,
});
export type VideoParameters = z.infer<typeof videoParameters>;

export const textParameters = z.strictObject({
  systemPrompt: z.string().max(10_000).optional().describe('Instructions; a style named here (e.g. "cinematic") is followed'),
  style: z.enum(PROMPT_STYLES).default('photographic'),
  descriptors: z.int().min(0).max(7).default(3).describe('How many descriptors to add'),
  seed,
  ...failureParameters,
});
export type TextParameters = z.infer<typeof textParameters>;

const FREE = free('the built-in local provider renders on this machine: no provider, no bill');

export const localModels: ModelSpec[] = [
  {
    id: LocalModelId.image,
    kinds: ['text-to-image', 'image-to-image'],
    description: 'Built-in generative landscape renderer: deterministic for prompt and seed, no network; with an input image, blends the landscape over it (an edit)',
    parameters: imageParameters,
    // Inline only: the adapter decodes the prepared data URL and never touches the network.
    inputImages: { mode: 'base64', max: 1 },
    async: false,
    expectedDurationSeconds: 1,
    maxDurationSeconds: 60,
    price: FREE,
  },
  {
    id: LocalModelId.speech,
    kinds: ['text-to-speech'],
    description: 'Built-in speech-like synthesizer: 16-bit mono WAV whose length follows the text',
    parameters: speechParameters,
    inputImages: { mode: 'either', max: 0 },
    async: false,
    expectedDurationSeconds: 1,
    maxDurationSeconds: 60,
    price: FREE,
  },
  {
    id: LocalModelId.video,
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Built-in animated WebP/GIF clip rendered as an async job that takes durationSeconds',
    parameters: videoParameters,
    inputImages: { mode: 'either', max: 1 },
    async: true,
    expectedDurationSeconds: 3,
    maxDurationSeconds: 600,
    price: FREE,
  },
  {
    id: LocalModelId.text,
    kinds: ['text-to-text'],
    description: 'Built-in prompt rewriter: adds style and quality descriptors, deterministic for prompt and seed',
    parameters: textParameters,
    inputImages: { mode: 'either', max: 0 },
    async: false,
    expectedDurationSeconds: 1,
    maxDurationSeconds: 60,
    price: FREE,
  },
];
