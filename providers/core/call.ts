import { z } from 'zod';
import { ProviderError, type ErrorCode } from '../../domain/errors';
import { BODY_EXCERPT_CHARS, codeForStatus, excerpt, MESSAGE_CHARS, messageFromBody, parseRetryAfter, ProviderResponseBody, providerFetch, readResponse, type ProviderRequest } from '../http';
import type { ProviderEnv } from '../types';

/** What a provider's error body says: a taxonomy code (else the status decides) and a message. */
export interface ErrorReading {
  code?: ErrorCode | undefined;
  message?: string | undefined;
}

/** Reads a failed answer's body; each provider puts its message somewhere else. */
export type ErrorReader = (status: number, body: unknown) => ErrorReading;

/** The reader when a provider has none of its own: the status decides, the usual message fields speak. */
export const commonErrors: ErrorReader = (_status, body) => ({ message: messageFromBody(body, '') });

/** A reader from a `classify` that only refines the code; the message comes from the usual fields. */
export function classifiedBy(classify: (status: number, body: unknown) => ErrorCode | undefined): ErrorReader {
  return (status, body) => ({ code: classify(status, body), message: messageFromBody(body, '') });
}

/**
 * A failed response as a ProviderError, read by the provider's reader. The key is never part of
 * a message: only the body's text and the status are used, and the whole body goes to the error
 * log only (ProviderResponseBody).
 */
export async function providerErrorFrom(providerId: string, res: Response, read: ErrorReader = commonErrors): Promise<ProviderError> {
  const { body, text: raw } = await readResponse(res);
  const reading = read(res.status, body);
  const said = reading.message ? excerpt(reading.message, MESSAGE_CHARS) : typeof body === 'string' ? excerpt(body, BODY_EXCERPT_CHARS) : '';
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  return new ProviderError(reading.code ?? codeForStatus(res.status), `${providerId}: ${said || `HTTP ${res.status}`}`, {
    details: { status: res.status },
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(raw ? { cause: new ProviderResponseBody(raw, res.status) } : {}),
  });
}

/** `a.b[0].c` for a zod issue path; `(body)` for the answer as a whole. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(body)';
}

/** At most this many issues are named in a message; the rest are in `details.issues`. */
const ISSUES_NAMED = 3;

/**
 * `value` checked against the answer schema an adapter declared. A mismatch is PROVIDER_ERROR
 * naming the field path and the provider's status, so a changed API surfaces as one clear error
 * instead of a TypeError deep in an adapter. Zod's messages name expected types, never the
 * received value, so nothing from the body reaches the message; the raw body goes to the error
 * log only. `prefix` places a part of the body (an envelope's `data`) within the whole.
 */
export function checkAnswer<S extends z.ZodType>(
  providerId: string,
  schema: S,
  value: unknown,
  answer: { status: number; text?: string; prefix?: readonly PropertyKey[] },
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: issuePath([...(answer.prefix ?? []), ...i.path]), message: i.message }));
  const named = issues.slice(0, ISSUES_NAMED).map((i) => `${i.path}: ${i.message}`).join('; ');
  const more = issues.length > ISSUES_NAMED ? ` (+${issues.length - ISSUES_NAMED} more)` : '';
  return failUnexpected(providerId, `${named}${more}`, answer.status, issues, answer.text);
}

function failUnexpected(providerId: string, what: string, status: number, issues: { path: string; message: string }[], text?: string): never {
  throw new ProviderError('PROVIDER_ERROR', `${providerId} answered ${status} with an unexpected body: ${what}`, {
    retryable: false,
    details: { status, issues },
    ...(text ? { cause: new ProviderResponseBody(text, status) } : {}),
  });
}

export interface CallOptions {
  /** How a non-2xx answer's body is read; default: the status decides, the usual fields speak. */
  errors?: ErrorReader;
  /** Sees a successful answer's status and headers (billable units, Retry-After of an envelope error). */
  onHeaders?: (headers: Headers, status: number) => void;
}

/**
 * The one provider transport: one HTTP call (providerFetch: address policy, no redirects,
 * time-outs as taxonomy errors), a non-2xx answer read by the provider's `errors`, and a 2xx
 * answer parsed as JSON and checked against `answer`, the zod schema the adapter declares next
 * to its API (lenient: `.passthrough()` objects, only the fields genflow reads). An empty body
 * is checked as `undefined`, so a call whose answer does not matter passes `z.unknown()`.
 */
export async function providerCall<S extends z.ZodType>(
  env: ProviderEnv,
  providerId: string,
  req: ProviderRequest,
  answer: S,
  options: CallOptions = {},
): Promise<z.output<S>> {
  const res = await providerFetch(env, providerId, req);
  if (!res.ok) throw await providerErrorFrom(providerId, res, options.errors);
  options.onHeaders?.(res.headers, res.status);
  return readAnswer(providerId, res, answer);
}

/**
 * A 2xx answer parsed as JSON and checked against `answer`: `providerCall`'s second half, for
 * the few transports that read a failed answer in a way an ErrorReader cannot (Google's retry
 * delay in the body).
 */
export async function readAnswer<S extends z.ZodType>(providerId: string, res: Response, answer: S): Promise<z.output<S>> {
  const { body, text } = await readResponse(res);
  if (typeof body === 'string' && body !== '') {
    throw new ProviderError('PROVIDER_ERROR', `${providerId} answered ${res.status} with an unexpected body: expected JSON, got ${excerpt(body, 100)}`, {
      retryable: false,
      details: { status: res.status },
      cause: new ProviderResponseBody(text, res.status),
    });
  }
  return checkAnswer(providerId, answer, body === '' ? undefined : body, { status: res.status, text });
}

/** The Bearer header, or AUTHENTICATION_FAILED before any request when the pool gave no key. */
export function bearer(providerId: string, apiKey: string | undefined): Record<string, string> {
  if (!apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${providerId}: no API key configured`, { retryable: false });
  return { authorization: `Bearer ${apiKey}` };
}
