import type { ErrorCode } from '../../domain/errors';
import { z } from 'zod';
import { providerCall } from '../core/call';
import { bearer, firstString, MODERATION, type ErrorReading } from '../json-call';
import type { ProviderRequest } from '../http';
import type { CallContext, ProviderEnv } from '../types';

export const JIEKOU_PROVIDER_ID = 'jiekou';
export const JIEKOU_BASE_URL = 'https://api.jiekou.ai';

export const JiekouPath = {
  /** Documented as an async endpoint under `/v3/async/` (the S3 note writes `/v3/sora-2-video-reverse`). */
  sora2: '/v3/async/sora-2-video-reverse',
  taskResult: (id: string) => `/v3/async/task-result?task_id=${encodeURIComponent(id)}`,
} as const;

/** The submit's answer: the task id polled at `/v3/async/task-result`. */
export const SubmitAnswer = z.looseObject({ task_id: z.string().min(1) });

export type TaskStatus = 'TASK_STATUS_QUEUED' | 'TASK_STATUS_PROCESSING' | 'TASK_STATUS_SUCCEED' | 'TASK_STATUS_FAILED';

/** `GET /v3/async/task-result`: the task, and the outputs by media type. Statuses stay strings. */
export const TaskResultAnswer = z.looseObject({
  task: z
    .looseObject({
      task_id: z.string().nullish(),
      status: z.string().nullish(),
      reason: z.string().nullish(),
      progress_percent: z.number().nullish(),
    })
    .nullish(),
  videos: z.array(z.looseObject({ video_url: z.string().nullish() })).nullish(),
});
export type TaskResult = z.output<typeof TaskResultAnswer>;

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

/** One call, its answer checked against `answer`. */
export function jiekouCall<S extends z.ZodType>(env: ProviderEnv, ctx: CallContext, req: ProviderRequest, answer: S): Promise<z.output<S>> {
  return providerCall(
    env,
    JIEKOU_PROVIDER_ID,
    { ...req, headers: { ...req.headers, ...bearer(JIEKOU_PROVIDER_ID, ctx.apiKey) }, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    answer,
    { errors: readJiekouError },
  );
}
