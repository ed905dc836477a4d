import type { ErrorCode } from '../../domain/errors';
import { providerJson, type ProviderRequest } from '../http';
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

export interface RunwayTask {
  id: string;
  status: RunwayTaskStatus;
  createdAt?: string;
  /** 0..1 while RUNNING. */
  progress?: number | null;
  output?: string[] | null;
  failure?: string | null;
  /** e.g. `SAFETY.INPUT.TEXT`, `INPUT_PREPROCESSING.SAFETY.IMAGE`, `ASSET.INVALID`, `INTERNAL.BAD_OUTPUT`. */
  failureCode?: string | null;
}

/** Runway answers errors as `{ error, issues? }`; spent credits come back as a 400. */
export function classifyRunwayError(status: number, body: unknown): ErrorCode | undefined {
  const text = JSON.stringify(body ?? '').toLowerCase();
  if (status === 402 || text.includes('enough credits')) return 'QUOTA_EXCEEDED';
  if (status === 400 && /safety|moderat/.test(text)) return 'CONTENT_REJECTED';
  return undefined;
}

export function runwayCall<T>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest): Promise<T> {
  return providerJson<T>(
    env,
    RUNWAY_PROVIDER_ID,
    { ...req, headers: { ...req.headers, 'x-runway-version': RUNWAY_API_VERSION, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) } },
    classifyRunwayError,
  );
}
