import { z } from 'zod';
import { ProviderError, type ErrorCode } from '../../domain/errors';
import { providerCall, type ErrorReader } from '../core/call';
import { messageFromBody, type ProviderRequest } from '../http';
import type { ProviderEnv } from '../types';

export const FAL_PROVIDER_ID = 'fal';
/** The queue API: every model is submitted here and polled, whatever its speed. */
export const FAL_BASE_URL = 'https://queue.fal.run';
/** fal's published webhook signing keys (Ed25519, RFC 7517). */
export const FAL_JWKS_URL = 'https://rest.alpha.fal.ai/.well-known/jwks.json';

/**
 * Queue paths. Submit goes to the full model id (`fal-ai/pika/v2.2/text-to-video`); status,
 * result and cancel live under the app id only (`fal-ai/pika`), as the URLs submit answers show.
 */
export const FalPath = {
  submit: (modelId: string) => `/${modelId}`,
  status: (appId: string, requestId: string) => `/${appId}/requests/${encodeURIComponent(requestId)}/status?logs=1`,
  result: (appId: string, requestId: string) => `/${appId}/requests/${encodeURIComponent(requestId)}`,
  cancel: (appId: string, requestId: string) => `/${appId}/requests/${encodeURIComponent(requestId)}/cancel`,
} as const;

/** `owner/app` of a model id: the first two path segments. */
export function falAppId(modelId: string): string {
  return modelId.split('/').slice(0, 2).join('/');
}

/** Submit's answer: the request id is what status, result and cancel are asked about. */
export const FalSubmitAnswer = z.looseObject({
  request_id: z.string().min(1),
});

export const FalLog = z.looseObject({
  message: z.string(),
});

/**
 * The status answer. `status` stays a string here so that a status fal adds later is named as
 * such by the adapter, not as a schema mismatch. `error` is set on COMPLETED when the request
 * failed (newer queue versions).
 */
export const FalStatusAnswer = z.looseObject({
  status: z.string(),
  logs: z.array(FalLog).nullish(),
  error: z.string().nullish(),
  error_type: z.string().nullish(),
});
export type FalStatus = z.output<typeof FalStatusAnswer>;

export const FalFileAnswer = z.looseObject({
  url: z.string(),
  content_type: z.string().nullish(),
});

/** What the result endpoint (and a webhook's `payload`) holds for the models in our table. */
export const FalResultAnswer = z.looseObject({
  images: z.array(FalFileAnswer).nullish(),
  /** One image, as upscalers answer (fal-ai/clarity-upscaler's output schema). */
  image: FalFileAnswer.nullish(),
  video: FalFileAnswer.nullish(),
  has_nsfw_concepts: z.array(z.boolean().nullable()).nullish(),
});
export type FalResult = z.output<typeof FalResultAnswer>;

const MODERATION = /content[_ ]policy|nsfw|safety|moderat|flagged/i;

/** fal answers FastAPI-style: `{ detail: string }` or `{ detail: [{ loc, msg, type }] }`. */
export function falDetail(body: unknown): string {
  const detail = body && typeof body === 'object' ? (body as { detail?: unknown }).detail : undefined;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d: { loc?: unknown[]; msg?: string; type?: string }) => `${(d.loc ?? []).join('.')}: ${d.msg ?? d.type ?? 'invalid'}`)
      .join('; ');
  }
  return '';
}

export function classifyFalError(status: number, body: unknown): ErrorCode | undefined {
  const text = `${falDetail(body)} ${JSON.stringify(body ?? '')}`;
  // A locked user ("Exhausted balance") is a billing problem, not a bad key.
  if (status === 402 || /balance|billing|top up/i.test(text)) return 'QUOTA_EXCEEDED';
  if ((status === 400 || status === 422) && MODERATION.test(text)) return 'CONTENT_REJECTED';
  return undefined;
}

/** A failed answer in fal's own words (a validation list included). */
export const readFalError: ErrorReader = (status, body) => ({
  code: classifyFalError(status, body),
  message: falDetail(body) || messageFromBody(body, ''),
});

/**
 * One call to the queue with `Authorization: Key …`, its answer checked against `answer`;
 * non-2xx answers become taxonomy errors. `onHeaders` sees a successful answer's headers (the
 * result's billable units).
 */
export function falCall<S extends z.ZodType>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest, answer: S, onHeaders?: (headers: Headers) => void): Promise<z.output<S>> {
  if (!apiKey) return Promise.reject(new ProviderError('AUTHENTICATION_FAILED', `${FAL_PROVIDER_ID}: no API key`, { retryable: false }));
  return providerCall(env, FAL_PROVIDER_ID, { ...req, headers: { ...req.headers, authorization: `Key ${apiKey}`, accept: 'application/json' } }, answer, {
    errors: readFalError,
    ...(onHeaders ? { onHeaders } : {}),
  });
}

/** fal's count of billed units on a result, in the model's billing unit (images, megapixels, seconds…). */
export const FAL_BILLABLE_UNITS_HEADER = 'x-fal-billable-units';
