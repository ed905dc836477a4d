import { z } from 'zod';
import type { ErrorCode } from '../../domain/errors';
import { classifiedBy, providerCall } from '../core/call';
import type { ProviderRequest } from '../http';
import type { ProviderEnv } from '../types';

export const BFL_PROVIDER_ID = 'bfl';
export const BFL_BASE_URL = 'https://api.bfl.ai';

export const BflPath = {
  submit: (endpoint: string) => `/v1/${endpoint}`,
  /** Only a fallback: submit answers the URL to poll, which may be on a regional host. */
  result: (id: string) => `/v1/get_result?id=${encodeURIComponent(id)}`,
} as const;

/** Submit's answer: the task id and, usually, the (possibly regional) URL to poll. */
export const SubmitAnswer = z.looseObject({
  id: z.string().min(1),
  polling_url: z.string().nullish(),
});

export type ResultStatus = 'Task not found' | 'Pending' | 'Request Moderated' | 'Content Moderated' | 'Ready' | 'Error';

/**
 * `get_result`'s answer. `status` stays a string so that a status BFL adds later is named as
 * such by `resultToPoll`, not as a schema mismatch.
 */
export const ResultAnswer = z.looseObject({
  id: z.string().nullish(),
  status: z.string(),
  result: z.looseObject({ sample: z.string().nullish() }).nullish(),
  progress: z.number().nullish(),
  details: z.record(z.string(), z.unknown()).nullish(),
});
export type ResultResponse = z.output<typeof ResultAnswer>;

/** BFL answers errors FastAPI-style, `{ detail: string | [{ loc, msg, type }] }`. */
export function classifyBflError(status: number, body: unknown): ErrorCode | undefined {
  const detail = body && typeof body === 'object' ? (body as { detail?: unknown }).detail : undefined;
  const text = typeof detail === 'string' ? detail.toLowerCase() : '';
  if (status === 402 || text.includes('insufficient credits')) return 'QUOTA_EXCEEDED';
  if (text.includes('moderat')) return 'CONTENT_REJECTED';
  return undefined;
}

/** One call to BFL with `x-key`, its answer checked against `answer`. */
export function bflCall<S extends z.ZodType>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest, answer: S): Promise<z.output<S>> {
  return providerCall(env, BFL_PROVIDER_ID, { ...req, headers: { ...req.headers, ...(apiKey ? { 'x-key': apiKey } : {}) } }, answer, { errors: classifiedBy(classifyBflError) });
}
