import { z } from 'zod';
import type { ErrorCode } from '../../domain/errors';

export const TUZI_PROVIDER_ID = 'tuzi';
export const TUZI_BASE_URL = 'https://api.tu-zi.com';

export const TuziPath = {
  images: '/v1/images/generations',
  /** TuZi re-exposes Kling's own API under this prefix, envelopes and all. */
  klingPrefix: '/kling',
  imagine: '/mj/submit/imagine',
  fetch: (id: string) => `/mj/task/${encodeURIComponent(id)}/fetch`,
} as const;

/** The image endpoint answers the OpenAI wire's Images answer. */
export { OpenAIImagesAnswer as TuziImagesAnswer } from '../core/openai-compatible';

/** mj-proxy submit answer: code 1 submitted, 21 already exists, 22 queued; others refused. */
export const MjSubmitAnswer = z.looseObject({
  code: z.number(),
  description: z.string().nullish(),
  result: z.string().nullish(),
});

export type MjStatus = 'NOT_START' | 'SUBMITTED' | 'MODAL' | 'IN_PROGRESS' | 'FAILURE' | 'SUCCESS' | 'CANCEL';

/**
 * mj-proxy task: `progress` is a string such as "45%". `status` stays a string so that a status
 * the proxy adds later is named as such by `readMjTask`, not as a schema mismatch.
 */
export const MjTaskAnswer = z.looseObject({
  id: z.string().nullish(),
  status: z.string(),
  progress: z.string().nullish(),
  imageUrl: z.string().nullish(),
  imageUrls: z.array(z.looseObject({ url: z.string() })).nullish(),
  failReason: z.string().nullish(),
});
export type MjTask = z.output<typeof MjTaskAnswer>;

const MODERATION = /sensitive|banned|content[_ ]policy|moderat|violat|敏感|违规/i;

/** The gateway answers OpenAI-style `{ error: { message, type, code } }`, also for the image API. */
export function classifyTuziError(status: number, body: unknown): ErrorCode | undefined {
  const text = JSON.stringify(body ?? '');
  if (status === 402 || /insufficient|quota|余额|额度/i.test(text)) return 'QUOTA_EXCEEDED';
  if ((status === 400 || status === 422) && MODERATION.test(text)) return 'CONTENT_REJECTED';
  return undefined;
}

/** mj-proxy submit codes: 23 queue full (try later), 24 a banned word in the prompt. */
export function mjSubmitErrorCode(code: number, description = ''): ErrorCode {
  if (code === 24 || MODERATION.test(description)) return 'CONTENT_REJECTED';
  if (code === 23) return 'PROVIDER_UNAVAILABLE';
  if (code === 4) return 'INVALID_PARAMETERS';
  return 'PROVIDER_ERROR';
}

export function isModeration(text: string): boolean {
  return MODERATION.test(text);
}
