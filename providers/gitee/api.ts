import type { ErrorCode } from '../../domain/errors';
import { z } from 'zod';
import { providerCall } from '../core/call';
import { OpenAIImageEntry } from '../core/openai-compatible';
import { bearer, firstString, MODERATION, type ErrorReading } from '../json-call';
import type { ProviderRequest } from '../http';
import type { CallContext, ProviderEnv } from '../types';

export const GITEE_PROVIDER_ID = 'gitee';
export const GITEE_BASE_URL = 'https://ai.gitee.com';

export const GiteePath = {
  generations: '/v1/images/generations',
  edits: '/v1/images/edits',
  /** OpenAI-compatible chat completions (the `text` action). */
  chatCompletions: '/v1/chat/completions',
  /** Video docs (视频生成): text-to-video is the `generations` endpoint; there is no `/text-to-video`. */
  textToVideo: '/v1/async/videos/generations',
  imageToVideo: '/v1/async/videos/image-to-video',
  task: (id: string) => `/v1/task/${encodeURIComponent(id)}`,
  /**
   * The async-task docs give cancel only under `/api/v1` (the `urls.cancel` every submit answer
   * carries is `https://ai.gitee.com/api/v1/task/{id}/cancel`); `/v1/task/{id}/cancel` is not documented.
   */
  cancel: (id: string) => `/api/v1/task/${encodeURIComponent(id)}/cancel`,
} as const;

/** The OpenAI wire's Images answer; Gitee adds each entry's content `type`. */
export const ImagesAnswer = z.looseObject({
  data: z.array(OpenAIImageEntry.extend({ type: z.string().nullish() })).nullish(),
});
export type ImagesResponse = z.output<typeof ImagesAnswer>;

/** An async submit's answer: the task id polled at /v1/task/{id}. */
export const AsyncSubmitAnswer = z.looseObject({ task_id: z.string().min(1) });

/**
 * The async-task page lists waiting, in_progress, success, failure, cancelled; the video page's
 * sample polls for `failed` instead, so both spellings end a task as failed.
 */
export type TaskStatus = 'waiting' | 'in_progress' | 'success' | 'failure' | 'failed' | 'cancelled';

/** `GET /v1/task/{id}`. Status stays a string: an unknown one reaches the adapter, which refuses it by name. */
export const TaskAnswer = z.looseObject({
  task_id: z.string().nullish(),
  status: z.string().nullish(),
  /** `file_url` in the docs' samples; `url` in some task types' answers. */
  output: z.looseObject({ file_url: z.string().nullish(), url: z.string().nullish() }).nullish(),
  error: z.unknown().optional(),
  message: z.string().nullish(),
});
export type TaskResponse = z.output<typeof TaskAnswer>;

/**
 * Gitee answers errors as `{ error, message }` (an error name and a sentence) or OpenAI-style
 * `{ error: { code, message, type } }`; both are read.
 */
export function readGiteeError(status: number, body: unknown): ErrorReading {
  const o = (body && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown };
  const nested = o.error && typeof o.error === 'object' ? (o.error as { message?: unknown; code?: unknown; type?: unknown }) : undefined;
  const name = typeof o.error === 'string' ? o.error : firstString(nested?.type, nested?.code) ?? '';
  const message = firstString(nested?.message, o.message, name);
  const text = `${name} ${message ?? ''}`;
  let code: ErrorCode | undefined;
  if (/balance|insufficient|余额|quota|套餐/i.test(text) && status !== 429) code = 'QUOTA_EXCEEDED';
  else if (status === 401 || status === 403) code = 'AUTHENTICATION_FAILED';
  else if (status === 429) code = 'RATE_LIMITED';
  else if (status === 400 && MODERATION.test(text)) code = 'CONTENT_REJECTED';
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** One call to Gitee AI, its answer checked against `answer`. */
export function giteeCall<S extends z.ZodType>(env: ProviderEnv, ctx: CallContext, req: ProviderRequest, answer: S): Promise<z.output<S>> {
  return providerCall(
    env,
    GITEE_PROVIDER_ID,
    { ...req, headers: { ...req.headers, ...bearer(GITEE_PROVIDER_ID, ctx.apiKey) }, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    answer,
    { errors: readGiteeError },
  );
}
