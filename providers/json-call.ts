import { ProviderError, type ErrorCode } from '../domain/errors';
import { BODY_EXCERPT_CHARS, codeForStatus, excerpt, MESSAGE_CHARS, parseRetryAfter, ProviderResponseBody, providerFetch, readResponse, type ProviderRequest } from './http';
import type { ProviderEnv } from './types';

/** What a provider's error body says: a taxonomy code (else the status decides) and a message. */
export interface ErrorReading {
  code?: ErrorCode;
  message?: string;
}

export type ErrorReader = (status: number, body: unknown) => ErrorReading;

/**
 * A failed response as a ProviderError, read by the provider's own `read` (each of them puts
 * its message somewhere else: `errors.message`, `reason`, `errors[]`). The key is never part of
 * a message: only the body's text and the status are used.
 */
export async function providerErrorFrom(providerId: string, res: Response, read: ErrorReader): Promise<ProviderError> {
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

/** One call answering JSON; a non-2xx status becomes the provider's mapped error. */
export async function jsonCall<T>(env: ProviderEnv, providerId: string, req: ProviderRequest, read: ErrorReader): Promise<T> {
  const res = await providerFetch(env, providerId, req);
  if (!res.ok) throw await providerErrorFrom(providerId, res, read);
  const { body, text } = await readResponse(res);
  if (typeof body !== 'object' || body === null) {
    throw new ProviderError('PROVIDER_ERROR', `${providerId}: expected JSON, got ${excerpt(String(body), 100) || 'an empty body'}`, {
      cause: new ProviderResponseBody(text, res.status),
    });
  }
  return body as T;
}

/** The Bearer header, or AUTHENTICATION_FAILED before any request when the pool gave no key. */
export function bearer(providerId: string, apiKey: string | undefined): Record<string, string> {
  if (!apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${providerId}: no API key configured`, { retryable: false });
  return { authorization: `Bearer ${apiKey}` };
}

/** Moderation wording in English and Chinese, as providers put it in failure reasons. */
export const MODERATION = /moderat|content polic|safety|sensitive|nsfw|inappropriate|violat|flagged|审核|敏感|违规|违禁/i;

/** A message field at any of the usual places of an error body. */
export function firstString(...candidates: unknown[]): string | undefined {
  for (const c of candidates) if (typeof c === 'string' && c) return excerpt(c, MESSAGE_CHARS) || undefined;
  return undefined;
}
