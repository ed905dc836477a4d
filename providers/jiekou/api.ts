import type { ErrorCode } from '../../domain/errors';
import { bearer, firstString, jsonCall, MODERATION, type ErrorReading } from '../json-call';
import type { ProviderRequest } from '../http';
import type { CallContext, ProviderEnv } from '../types';

export const JIEKOU_PROVIDER_ID = 'jiekou';
export const JIEKOU_BASE_URL = 'https://api.jiekou.ai';

export const JiekouPath = {
  /** Documented as an async endpoint under `/v3/async/` (the S3 note writes `/v3/sora-2-video-reverse`). */
  sora2: '/v3/async/sora-2-video-reverse',
  taskResult: (id: string) => `/v3/async/task-result?task_id=${encodeURIComponent(id)}`,
} as const;

export interface SubmitResponse {
  task_id?: string;
}

export type TaskStatus = 'TASK_STATUS_QUEUED' | 'TASK_STATUS_PROCESSING' | 'TASK_STATUS_SUCCEED' | 'TASK_STATUS_FAILED';

/** `GET /v3/async/task-result`: the task, and the outputs by media type. */
export interface TaskResult {
  task?: { task_id?: string; task_type?: string; status?: string; reason?: string; eta?: number; progress_percent?: number };
  videos?: Array<{ video_url?: string; video_url_ttl?: string; video_type?: string }>;
  images?: Array<{ image_url?: string; image_type?: string }>;
}

/**
 * Errors are `{ code, reason, message, metadata }`, `reason` a constant such as
 * NOT_ENOUGH_BALANCE. That shape rests on docs alone (providers/jiekou/wire-fields.ts), so an
 * OpenAI-style `{ error: { message, code } }` is read too rather than lost to a generic message.
 */
export function readJiekouError(status: number, body: unknown): ErrorReading {
  const o = (body && typeof body === 'object' ? body : {}) as { reason?: unknown; message?: unknown; error?: unknown };
  const nested = o.error && typeof o.error === 'object' ? (o.error as { message?: unknown; code?: unknown; type?: unknown }) : undefined;
  const reason = typeof o.reason === 'string' ? o.reason : (firstString(nested?.code, nested?.type) ?? '');
  const message = firstString(o.message, nested?.message, typeof o.error === 'string' ? o.error : undefined, reason);
  let code: ErrorCode | undefined;
  if (/BALANCE|QUOTA|INSUFFICIENT/i.test(reason)) code = 'QUOTA_EXCEEDED';
  else if (status === 401 || status === 403 || /API_KEY|UNAUTHORI/i.test(reason)) code = 'AUTHENTICATION_FAILED';
  else if (status === 429) code = 'RATE_LIMITED';
  else if (status === 400 && MODERATION.test(`${reason} ${message ?? ''}`)) code = 'CONTENT_REJECTED';
  return { ...(code ? { code } : {}), ...(message ? { message: reason && message !== reason ? `${message} (${reason})` : message } : {}) };
}

export function jiekouCall<T>(env: ProviderEnv, ctx: CallContext, req: ProviderRequest): Promise<T> {
  return jsonCall<T>(
    env,
    JIEKOU_PROVIDER_ID,
    { ...req, headers: { ...req.headers, ...bearer(JIEKOU_PROVIDER_ID, ctx.apiKey) }, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    readJiekouError,
  );
}
