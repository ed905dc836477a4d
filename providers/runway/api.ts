import { z } from 'zod';
import type { ErrorCode } from '../../domain/errors';
import { classifiedBy, providerCall } from '../core/call';
import type { ProviderRequest } from '../http';
import type { ProviderEnv } from '../types';

export const RUNWAY_PROVIDER_ID = 'runway';
export const RUNWAY_BASE_URL = 'https://api.dev.runwayml.com';
/** The API version every call names in `X-Runway-Version`; Runway refuses calls without it. */
export const RUNWAY_API_VERSION = '2024-11-06';

export const RunwayPath = {
  imageToVideo: '/v1/image_to_video',
  textToVideo: '/v1/text_to_video',
  task: (id: string) => `/v1/tasks/${encodeURIComponent(id)}`,
} as const;

export type RunwayTaskStatus = 'PENDING' | 'THROTTLED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** A create call's answer: the task id polled at /v1/tasks/{id}. */
export const RunwayCreated = z.looseObject({ id: z.string().min(1) });

/**
 * `GET /v1/tasks/{id}`. `status` stays a string so that a status Runway adds later is named as
 * such by the adapter, not as a schema mismatch.
 */
export const RunwayTaskAnswer = z.looseObject({
  id: z.string(),
  status: z.string(),
  /** 0..1 while RUNNING. */
  progress: z.number().nullish(),
  output: z.array(z.string()).nullish(),
  failure: z.string().nullish(),
  /** e.g. `SAFETY.INPUT.TEXT`, `INPUT_PREPROCESSING.SAFETY.IMAGE`, `ASSET.INVALID`, `INTERNAL.BAD_OUTPUT`. */
  failureCode: z.string().nullish(),
});
export type RunwayTask = z.output<typeof RunwayTaskAnswer>;

/** Runway answers errors as `{ error, issues? }`; spent credits come back as a 400. */
export function classifyRunwayError(status: number, body: unknown): ErrorCode | undefined {
  const text = JSON.stringify(body ?? '').toLowerCase();
  if (status === 402 || text.includes('enough credits')) return 'QUOTA_EXCEEDED';
  if (status === 400 && /safety|moderat/.test(text)) return 'CONTENT_REJECTED';
  return undefined;
}

/** One call to Runway (with its API version header), its answer checked against `answer`. */
export function runwayCall<S extends z.ZodType>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest, answer: S): Promise<z.output<S>> {
  return providerCall(
    env,
    RUNWAY_PROVIDER_ID,
    { ...req, headers: { ...req.headers, 'x-runway-version': RUNWAY_API_VERSION, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) } },
    answer,
    { errors: classifiedBy(classifyRunwayError) },
  );
}
