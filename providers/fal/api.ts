import { ProviderError, type ErrorCode } from '../../domain/errors';
import { codeForStatus, messageFromBody, parseRetryAfter, providerFetch, type ProviderRequest } from '../http';
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

export interface FalSubmitResponse {
  request_id: string;
  response_url?: string;
  status_url?: string;
  cancel_url?: string;
  queue_position?: number;
}

export interface FalLog {
  message: string;
  level?: string;
  timestamp?: string;
}

export interface FalStatus {
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
  queue_position?: number;
  logs?: FalLog[] | null;
  response_url?: string;
  /** Set on COMPLETED when the request failed (newer queue versions). */
  error?: string | null;
  error_type?: string | null;
}

export interface FalFile {
  url: string;
  content_type?: string;
  file_name?: string;
  file_size?: number;
  width?: number;
  height?: number;
}

/** What the result endpoint (and a webhook's `payload`) holds for the models in our table. */
export interface FalResult {
  images?: FalFile[];
  video?: FalFile;
  has_nsfw_concepts?: boolean[];
  seed?: number;
}

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

/** A failed answer as a taxonomy error, with fal's own words (a validation list included). */
export async function falError(res: Response): Promise<ProviderError> {
  const text = await res.text().catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: keep the text.
  }
  const code = classifyFalError(res.status, body) ?? codeForStatus(res.status);
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  return new ProviderError(code, `${FAL_PROVIDER_ID}: ${falDetail(body) || messageFromBody(body, `HTTP ${res.status}`)}`, {
    details: { status: res.status },
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/**
 * One call to the queue with `Authorization: Key …`; non-2xx answers become taxonomy errors.
 * `onHeaders` sees a successful answer's headers (the result's billable units).
 */
export async function falCall<T>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest, onHeaders?: (headers: Headers) => void): Promise<T> {
  if (!apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${FAL_PROVIDER_ID}: no API key`, { retryable: false });
  const res = await providerFetch(env, FAL_PROVIDER_ID, { ...req, headers: { ...req.headers, authorization: `Key ${apiKey}`, accept: 'application/json' } });
  if (!res.ok) throw await falError(res);
  onHeaders?.(res.headers);
  try {
    return (await res.json()) as T;
  } catch (err) {
    throw new ProviderError('PROVIDER_ERROR', `${FAL_PROVIDER_ID}: the response was not JSON`, { cause: err });
  }
}

/** fal's count of billed units on a result, in the model's billing unit (images, megapixels, seconds…). */
export const FAL_BILLABLE_UNITS_HEADER = 'x-fal-billable-units';
