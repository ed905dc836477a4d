import type { z } from 'zod';
import type { ErrorCode } from '../../domain/errors';
import { classifiedBy, providerCall } from '../core/call';
import type { ProviderRequest } from '../http';
import type { ProviderEnv } from '../types';

export const OPENAI_PROVIDER_ID = 'openai';
export const OPENAI_BASE_URL = 'https://api.openai.com';

export const OpenAIPath = {
  imageGenerations: '/v1/images/generations',
  imageEdits: '/v1/images/edits',
  chatCompletions: '/v1/chat/completions',
  models: '/v1/models',
} as const;

/** `{ error: { message, type, code, param } }`, OpenAI's error body on every endpoint. */
interface OpenAIErrorBody {
  error?: { message?: string; type?: string; code?: string | null; param?: string | null };
}

/**
 * OpenAI says more in the body than in the status: a 429 may be a spent quota (not worth a
 * retry), a 400 may be the safety system refusing the prompt.
 */
export function classifyOpenAIError(status: number, body: unknown): ErrorCode | undefined {
  const error = (body as OpenAIErrorBody | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const type = error?.type;
  if (code === 'content_policy_violation' || code === 'moderation_blocked') return 'CONTENT_REJECTED';
  if (code === 'insufficient_quota' || type === 'insufficient_quota' || code === 'billing_hard_limit_reached') return 'QUOTA_EXCEEDED';
  if (code === 'invalid_api_key' || status === 401) return 'AUTHENTICATION_FAILED';
  if (code === 'rate_limit_exceeded') return 'RATE_LIMITED';
  if (code === 'model_not_found') return 'UNSUPPORTED_CAPABILITY';
  return undefined;
}

/** The answers are the OpenAI wire's own: providers/core/openai-compatible.ts. */
export { ChatCompletionAnswer, ModelListAnswer, OpenAIImagesAnswer as ImagesAnswer } from '../core/openai-compatible';
export type { OpenAIImagesAnswer as ImagesResponse } from '../core/openai-compatible';

/** One call to OpenAI, its answer checked against `answer`. */
export function openaiCall<S extends z.ZodType>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest, answer: S): Promise<z.output<S>> {
  return providerCall(
    env,
    OPENAI_PROVIDER_ID,
    { ...req, headers: { ...req.headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) } },
    answer,
    { errors: classifiedBy(classifyOpenAIError) },
  );
}
