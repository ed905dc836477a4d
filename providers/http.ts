import { GenflowError, ProviderError, type ErrorCode } from '../domain/errors';
import { SafeFetchError, vetUrl, type ResolvedAddress } from '../media/safe-fetch';
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

/** How much of a body that is not the provider's documented error shape a user may see. */
export const BODY_EXCERPT_CHARS = 200;
/** How much of a message from the provider's documented error field a user may see. */
export const MESSAGE_CHARS = 300;

/**
 * Provider text as users may see it: HTML reduced to its words (scripts and styles dropped),
 * control characters (terminal escapes, bells, bidi overrides) removed, whitespace collapsed,
 * cut at `max` characters. A provider's answer can be anything — an error page, a proxy's
 * login form, whatever a redirect led to — and it ends up in API answers and alerts.
 */
export function excerpt(text: string, max: number = BODY_EXCERPT_CHARS): string {
  // The words users may see are near the start; a megabyte page need not be scanned whole.
  const plain = text
    .slice(0, 64_000)
    .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<\/?[a-z!?][^>]*(>|$)/gi, ' ')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length <= max ? plain : `${plain.slice(0, max - 1).trimEnd()}…`;
}

/**
 * The whole body of a provider's answer, carried as the `cause` of the ProviderError built from
 * it, for the error log (activities/error-log.ts) only. Its message says nothing about the body
 * and the text is a property, so neither users, Temporal histories (which keep a failure's
 * message and stack) nor alerts ever see it.
 */
export class ProviderResponseBody extends Error {
  override readonly name = 'ProviderResponseBody';
  /** At most this much is kept; a provider may answer megabytes. */
  static readonly MAX_CHARS = 16_000;
  readonly body: string;
  constructor(body: string, readonly status?: number) {
    super(`the provider's answer${status ? ` (HTTP ${status})` : ''} is in the error log`);
    this.body = body.length > ProviderResponseBody.MAX_CHARS ? `${body.slice(0, ProviderResponseBody.MAX_CHARS)}…` : body;
  }
}

/** The ProviderResponseBody somewhere in an error's cause chain. */
export function responseBodyOf(err: unknown): ProviderResponseBody | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (e instanceof ProviderResponseBody) return e;
  }
  return undefined;
}

/**
 * A message an adapter built (possibly from a body) made fit for users: an error whose message
 * is long, or holds HTML or control characters, is rebuilt with an excerpt, and the original
 * text goes to the error log as its ProviderResponseBody. Applied to every provider call by
 * the gateway, so an adapter that quotes a body itself cannot echo it either.
 */
export function boundedError(err: unknown): unknown {
  if (!(err instanceof GenflowError)) return err;
  const text = excerpt(err.message, MESSAGE_CHARS + 60);
  if (text === err.message) return err;
  const body = responseBodyOf(err);
  return new ProviderError(err.code, text, {
    retryable: err.retryable,
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    ...(err.details !== undefined ? { details: err.details } : {}),
    cause: new ProviderResponseBody(body ? `${err.message}\n\n${body.body}` : err.message, body?.status),
  });
}

/** Pulls a human message out of common error body shapes without trusting their structure. */
export function messageFromBody(body: unknown, fallback: string): string {
  if (typeof body === 'string') return excerpt(body) || fallback;
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    const nested = o.error && typeof o.error === 'object' ? (o.error as Record<string, unknown>) : undefined;
    for (const candidate of [nested?.message, o.message, o.detail, o.error, o.msg]) {
      if (typeof candidate === 'string' && candidate) return excerpt(candidate, MESSAGE_CHARS) || fallback;
    }
  }
  return fallback;
}

/** The body as JSON when it parses, else as text; `text` is always the raw body. */
export async function readResponse(res: Response): Promise<{ body: unknown; text: string }> {
  const text = await res.text().catch(() => '');
  try {
    return { body: JSON.parse(text) as unknown, text };
  } catch {
    return { body: text, text };
  }
}

/** What a 3xx from a provider call becomes: providers' APIs answer, they do not redirect. */
async function redirectError(providerId: string, res: Response): Promise<ProviderError> {
  const location = res.headers.get('location') ?? '(no Location header)';
  const text = await res.text().catch(() => '');
  return new ProviderError('PROVIDER_ERROR', `${providerId}: answered with a redirect (HTTP ${res.status}); provider calls do not follow redirects`, {
    retryable: false,
    details: { status: res.status },
    cause: new ProviderResponseBody(`Location: ${location}\n\n${text}`, res.status),
  });
}

export interface AddressPolicy {
  /** GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS: loopback and private addresses are let through. */
  allowPrivate: boolean;
  /** Name resolution (tests); default the system resolver. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

/**
 * `fetch` for a provider's adapter with the address policy of input fetches
 * (media/safe-fetch.ts `vetUrl`) applied to every URL it is asked for — the base URL, and
 * absolute URLs a provider hands back (status and result URLs) — before any header (the key)
 * is sent: loopback, private, link-local and metadata addresses, in any spelling, and URLs
 * with credentials are refused unless the policy allows private addresses. The connection
 * itself is made by `inner` (the platform fetch cannot be pinned to the checked address, so
 * a name that re-resolves inside between check and connect is the remaining window;
 * redirects, the wider door, are never followed: see `providerFetch`).
 */
export function policedFetch(inner: typeof fetch, providerId: string, policy: AddressPolicy): typeof fetch {
  if (policy.allowPrivate) return inner;
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    try {
      await vetUrl(url, policy.resolve ? { resolve: policy.resolve } : {});
    } catch (err) {
      if (!(err instanceof SafeFetchError) || err.kind !== 'refused') throw err;
      throw new ProviderError('PROVIDER_UNAVAILABLE', `${providerId}: ${err.message}; provider URLs must be public addresses (GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS=1 allows private ones)`, {
        retryable: false,
      });
    }
    return inner(input, init);
  };
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
  let res: Response;
  try {
    // Never followed: a redirect would take the key (and the body) to wherever the provider —
    // or whoever answers in its place — points, past the address policy.
    res = await env.fetch(url, { method: req.method ?? (body ? 'POST' : 'GET'), headers, body: body ?? null, signal, redirect: 'manual' });
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    if (timeout.aborted) throw new ProviderError('PROVIDER_TIMEOUT', `${providerId}: no response within ${timeoutMs} ms`, { cause: err });
    if (req.signal?.aborted) throw new ProviderError('CANCELED', `${providerId}: request canceled`, { cause: err });
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new ProviderError('PROVIDER_UNAVAILABLE', `${providerId}: request failed: ${reason}`, { cause: err });
  }
  if (res.status >= 300 && res.status < 400) throw await redirectError(providerId, res);
  return res;
}
