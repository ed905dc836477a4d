import type { ErrorCode } from '../../domain/errors';
import { bearer, firstString, jsonCall, MODERATION, type ErrorReading } from '../json-call';
import type { ProviderRequest } from '../http';
import type { CallContext, ProviderEnv } from '../types';

export const GITEE_PROVIDER_ID = 'gitee';
export const GITEE_BASE_URL = 'https://ai.gitee.com';

export const GiteePath = {
  generations: '/v1/images/generations',
  edits: '/v1/images/edits',
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

export interface ImagesResponse {
  created?: number;
  data?: Array<{ b64_json?: string; url?: string; type?: string }>;
}

export interface AsyncSubmitResponse {
  task_id?: string;
  status?: string;
}

/**
 * The async-task page lists waiting, in_progress, success, failure, cancelled; the video page's
 * sample polls for `failed` instead, so both spellings end a task as failed.
 */
export type TaskStatus = 'waiting' | 'in_progress' | 'success' | 'failure' | 'failed' | 'cancelled';

/** `GET /v1/task/{id}`. */
export interface TaskResponse {
  task_id?: string;
  // Typed loosely on purpose: an unknown status must reach the adapter, which refuses it by name.
  status?: string;
  /** `file_url` in the docs' samples; `url` in some task types' answers. */
  output?: { file_url?: string; url?: string } | null;
  error?: unknown;
  message?: string;
}

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

export function giteeCall<T>(env: ProviderEnv, ctx: CallContext, req: ProviderRequest): Promise<T> {
  return jsonCall<T>(
    env,
    GITEE_PROVIDER_ID,
    { ...req, headers: { ...req.headers, ...bearer(GITEE_PROVIDER_ID, ctx.apiKey) }, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    readGiteeError,
  );
}
