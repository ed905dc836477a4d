import type { ErrorCode } from '../../domain/errors';
import { firstString, type ErrorReading } from '../json-call';

export const STABILITY_PROVIDER_ID = 'stability';
export const STABILITY_BASE_URL = 'https://api.stability.ai';

export const StabilityPath = {
  endpoint: (path: string) => `/v2beta/stable-image/${path}`,
  result: (id: string) => `/v2beta/results/${encodeURIComponent(id)}`,
} as const;

/** Every error: `{ id, name, errors: string[] }`; `name` says what kind (content_moderation, ...). */
interface StabilityErrorBody {
  id?: string;
  name?: string;
  errors?: unknown[];
  message?: string;
}

const BY_NAME: Record<string, ErrorCode> = {
  bad_request: 'INVALID_PARAMETERS',
  invalid_language: 'INVALID_PARAMETERS',
  payload_too_large: 'INVALID_PARAMETERS',
  unauthorized: 'AUTHENTICATION_FAILED',
  payment_required: 'QUOTA_EXCEEDED',
  insufficient_balance: 'QUOTA_EXCEEDED',
  content_moderation: 'CONTENT_REJECTED',
  rate_limit_exceeded: 'RATE_LIMITED',
  not_found: 'PROVIDER_ERROR',
  server_error: 'PROVIDER_UNAVAILABLE',
  internal_error: 'PROVIDER_UNAVAILABLE',
};

export function readStabilityError(status: number, body: unknown): ErrorReading {
  const o = (body && typeof body === 'object' ? body : {}) as StabilityErrorBody;
  const errors = Array.isArray(o.errors) ? o.errors.filter((e): e is string => typeof e === 'string') : [];
  const message = firstString(errors.join('; '), o.message, o.name);
  const byName = o.name ? BY_NAME[o.name] : undefined;
  // A 5xx stays retryable whatever its name says; otherwise the name is more precise than the status.
  const code = status >= 500 ? undefined : (byName ?? (status === 403 ? 'CONTENT_REJECTED' : undefined));
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** `finish-reason` on an image answer: SUCCESS, or CONTENT_FILTERED when the output was moderated. */
export const FINISH_REASON_HEADER = 'finish-reason';
