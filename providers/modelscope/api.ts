import type { ErrorCode } from '../../domain/errors';
import { z } from 'zod';
import { providerCall } from '../core/call';
import { bearer, firstString, MODERATION, type ErrorReading } from '../json-call';
import type { ProviderRequest } from '../http';
import type { CallContext, ProviderEnv } from '../types';

export const MODELSCOPE_PROVIDER_ID = 'modelscope';
export const MODELSCOPE_BASE_URL = 'https://api-inference.modelscope.cn';

export const ModelScopePath = {
  generate: '/v1/images/generations',
  /** OpenAI-compatible chat completions (the `text` action): synchronous, no task. */
  chatCompletions: '/v1/chat/completions',
  task: (id: string) => `/v1/tasks/${encodeURIComponent(id)}`,
} as const;

/** Submit asks for a task (`X-ModelScope-Async-Mode`); polls name the task type. */
export const ASYNC_HEADER = { 'x-modelscope-async-mode': 'true' } as const;
export const TASK_TYPE_HEADER = { 'x-modelscope-task-type': 'image_generation' } as const;

/** The async submit's answer: the task id polled at /v1/tasks/{id}. */
export const SubmitAnswer = z.looseObject({ task_id: z.string().min(1) });

export type TaskStatus = 'PENDING' | 'RUNNING' | 'PROCESSING' | 'SUCCEED' | 'FAILED';

/** A task. Loosely typed status: an unknown one reaches the adapter, which refuses it by name. */
export const TaskAnswer = z.looseObject({
  task_id: z.string().nullish(),
  task_status: z.string().nullish(),
  output_images: z.array(z.string()).nullish(),
  errors: z.looseObject({ code: z.union([z.string(), z.number()]).nullish(), message: z.string().nullish() }).nullish(),
  /** Some task reads carry the failure reason at the top level instead. */
  message: z.string().nullish(),
  request_id: z.string().nullish(),
});
export type TaskResponse = z.output<typeof TaskAnswer>;

/** ModelScope answers `{ errors: { message }, request_id }` (older answers: `{ message }`). */
export function readModelScopeError(status: number, body: unknown): ErrorReading {
  const o = (body && typeof body === 'object' ? body : {}) as { errors?: { message?: unknown }; message?: unknown; error?: unknown };
  const message = firstString(o.errors?.message, o.message, o.error);
  const text = message ?? '';
  let code: ErrorCode | undefined;
  if (status === 401 || status === 403) code = 'AUTHENTICATION_FAILED';
  if (status === 429) code = /quota|limit of the day|daily|额度/i.test(text) ? 'QUOTA_EXCEEDED' : 'RATE_LIMITED';
  if (status === 400 && MODERATION.test(text)) code = 'CONTENT_REJECTED';
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** One call, its answer checked against `answer`. */
export function modelscopeCall<S extends z.ZodType>(env: ProviderEnv, ctx: CallContext, req: ProviderRequest, answer: S): Promise<z.output<S>> {
  return providerCall(
    env,
    MODELSCOPE_PROVIDER_ID,
    { ...req, headers: { ...req.headers, ...bearer(MODELSCOPE_PROVIDER_ID, ctx.apiKey) }, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    answer,
    { errors: readModelScopeError },
  );
}
