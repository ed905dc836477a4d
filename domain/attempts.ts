import type { ErrorCode } from './errors';

/** One model tried for a generation: the first, or a fallback after it failed. */
export interface GenerationAttempt {
  model: string;
  status: 'succeeded' | 'failed' | 'canceled';
  code?: ErrorCode;
  message?: string;
  startedAt: string;
  finishedAt: string;
}

/**
 * Failures that are the provider's fault, not the request's: another model may well succeed.
 * The retryable ones reach here only after Temporal's retries are exhausted. A rejected prompt,
 * bad parameters or a broken input image would fail on any model, so they never fall back.
 */
const FALLBACK_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RATE_LIMITED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_ERROR',
  'TASK_TIMEOUT',
  'QUOTA_EXCEEDED',
  'AUTHENTICATION_FAILED',
  'PROVIDER_KEY_UNAVAILABLE',
]);

export function fallsBack(code: ErrorCode): boolean {
  return FALLBACK_CODES.has(code);
}

/** At most this many fallbacks per request, so a bad configuration cannot multiply spending. */
export const MAX_FALLBACK_MODELS = 3;
