import { ProviderError, type ErrorCode } from '../domain/errors';
import type { ProviderEnv } from './types';

export interface ProviderRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Appended to the provider's base URL, unless it is already absolute. */
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON with a JSON content type. */
  json?: unknown;
  /** Sent as is (FormData, bytes, text). */
  body?: RequestInit['body'];
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** `Retry-After` as milliseconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The taxonomy code for an HTTP status, before any provider-specific reading of the body. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'AUTHENTICATION_FAILED';
  if (status === 402) return 'QUOTA_EXCEEDED';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408 || status === 504) return 'PROVIDER_TIMEOUT';
  if (status >= 500) return 'PROVIDER_UNAVAILABLE';
  if (status === 404) return 'PROVIDER_ERROR';
  return 'INVALID_PARAMETERS';
}

/** Pulls a human message out of common error body shapes without trusting their structure. */
export function messageFromBody(body: unknown, fallback: string): string {
  if (typeof body === 'string') return body.slice(0, 500) || fallback;
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    const nested = o.error && typeof o.error === 'object' ? (o.error as Record<string, unknown>) : undefined;
    for (const candidate of [nested?.message, o.message, o.detail, o.error, o.msg]) {
      if (typeof candidate === 'string' && candidate) return candidate.slice(0, 500);
    }
  }
  return fallback;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The default mapping of a failed HTTP response onto the taxonomy. Adapters may refine it
 * (moderation flags in a 400 body, credit errors in a 403) by passing `classify`.
 */
export async function errorFromResponse(
  providerId: string,
  res: Response,
  classify?: (status: number, body: unknown) => ErrorCode | undefined,
): Promise<ProviderError> {
  const body = await readBody(res);
  const code = classify?.(res.status, body) ?? codeForStatus(res.status);
  const message = `${providerId}: ${messageFromBody(body, `HTTP ${res.status}`)}`;
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  return new ProviderError(code, message, {
    details: { status: res.status },
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/**
 * One HTTP call to a provider. Network failures and time-outs become retryable taxonomy
 * errors; the response is returned whatever its status, for the adapter to read.
 */
export async function providerFetch(env: ProviderEnv, providerId: string, req: ProviderRequest): Promise<Response> {
  const url = /^https?:\/\//.test(req.path) ? req.path : `${env.baseUrl}${req.path}`;
  const timeoutMs = req.timeoutMs ?? env.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  const headers: Record<string, string> = { ...req.headers };
  let body = req.body;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  }
  try {
    return await env.fetch(url, { method: req.method ?? (body ? 'POST' : 'GET'), headers, body: body ?? null, signal });
  } catch (err) {
    if (timeout.aborted) throw new ProviderError('PROVIDER_TIMEOUT', `${providerId}: no response within ${timeoutMs} ms`, { cause: err });
    if (req.signal?.aborted) throw new ProviderError('CANCELED', `${providerId}: request canceled`, { cause: err });
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new ProviderError('PROVIDER_UNAVAILABLE', `${providerId}: request failed: ${reason}`, { cause: err });
  }
}

/** `providerFetch` + JSON body, throwing the mapped error for a non-2xx status. */
export async function providerJson<T>(
  env: ProviderEnv,
  providerId: string,
  req: ProviderRequest,
  classify?: (status: number, body: unknown) => ErrorCode | undefined,
): Promise<T> {
  const res = await providerFetch(env, providerId, req);
  if (!res.ok) throw await errorFromResponse(providerId, res, classify);
  const body = await readBody(res);
  if (typeof body === 'string' && body !== '') {
    throw new ProviderError('PROVIDER_ERROR', `${providerId}: expected JSON, got ${body.slice(0, 100)}`);
  }
  return body as T;
}
