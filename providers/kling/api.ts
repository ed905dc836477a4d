import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ProviderError, type ErrorCode } from '../../domain/errors';
import { checkAnswer } from '../core/call';
import { codeForStatus, parseRetryAfter, providerFetch, ProviderResponseBody } from '../http';
import type { ProviderEnv } from '../types';

export const KLING_PROVIDER_ID = 'kling';
export const KLING_BASE_URL = 'https://api-singapore.klingai.com';

/** Every Kling answer: `code` 0 is success; anything else says what went wrong. */
export const KlingEnvelope = z.looseObject({
  code: z.number(),
  message: z.string().nullish(),
  request_id: z.string().nullish(),
  data: z.unknown().optional(),
});

export type KlingTaskStatus = 'submitted' | 'processing' | 'succeed' | 'failed';

const KlingFile = z.looseObject({ url: z.string() });

/** A create call's `data`: the task id the query endpoint is asked about. */
export const KlingCreated = z.looseObject({ task_id: z.string().min(1) });

/**
 * A task, as create and query answer it. `task_status` stays a string so that a status Kling
 * adds later is named as such by `readKlingTask`, not as a schema mismatch.
 */
export const KlingTaskAnswer = z.looseObject({
  task_id: z.string().min(1),
  task_status: z.string(),
  task_status_msg: z.string().nullish(),
  task_result: z
    .looseObject({
      videos: z.array(KlingFile).nullish(),
      images: z.array(KlingFile).nullish(),
    })
    .nullish(),
});
export type KlingTask = z.output<typeof KlingTaskAnswer>;

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * Kling's API token: a JWT signed HS256 with the secret key, issued by the access key, valid
 * 30 minutes and from 5 seconds ago (clock skew). Made fresh for every call.
 */
export function klingJwt(accessKey: string, secretKey: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iss: accessKey, exp: nowSeconds + 1800, nbf: nowSeconds - 5 }));
  const signature = createHmac('sha256', secretKey).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** A pool entry is `accessKey:secretKey`; the secret never appears in an error. */
export function splitKlingKey(entry: string | undefined): { accessKey: string; secretKey: string } {
  const at = entry?.indexOf(':') ?? -1;
  if (!entry || at <= 0 || at === entry.length - 1) {
    throw new ProviderError('AUTHENTICATION_FAILED', `${KLING_PROVIDER_ID}: the key must be given as accessKey:secretKey`, { retryable: false });
  }
  return { accessKey: entry.slice(0, at), secretKey: entry.slice(at + 1) };
}

const MODERATION = /content secur|sensitive|risk|violat|moderat|inappropriate/i;

/**
 * Kling's documented service codes: 1000-1004 authentication, 1100-1103 account (arrears,
 * resource pack used up, no access), 1200-1203 request, 1300-1304 policy (1301 content
 * security, 1302/1303 rate and concurrency), 5000-5002 server.
 */
export function klingErrorCode(code: number, message = ''): ErrorCode {
  if (code >= 1000 && code <= 1004) return 'AUTHENTICATION_FAILED';
  if (code === 1101 || code === 1102) return 'QUOTA_EXCEEDED';
  if (code === 1100 || code === 1103 || code === 1304) return 'AUTHENTICATION_FAILED';
  if (code === 1301) return 'CONTENT_REJECTED';
  if (code === 1302 || code === 1303) return 'RATE_LIMITED';
  if (code === 1203) return 'UNSUPPORTED_CAPABILITY';
  if (code >= 1200 && code <= 1202) return 'INVALID_PARAMETERS';
  if (code === 1300) return MODERATION.test(message) ? 'CONTENT_REJECTED' : 'INVALID_PARAMETERS';
  if (code === 5000 || code === 5001) return 'PROVIDER_UNAVAILABLE';
  if (code === 5002) return 'PROVIDER_TIMEOUT';
  return 'PROVIDER_ERROR';
}

export interface KlingCallRequest {
  method: 'GET' | 'POST';
  path: string;
  json?: unknown;
  signal?: AbortSignal;
}

/**
 * One call to a Kling-shaped API (Kling itself, or a gateway re-exposing it): sends `authorization`
 * as given, unwraps the envelope and maps a non-zero `code` (whatever the HTTP status) onto the
 * taxonomy. Returns `data`, checked against `answer`.
 */
export async function klingCall<S extends z.ZodType>(env: ProviderEnv, providerId: string, authorization: string, req: KlingCallRequest, answer: S): Promise<z.output<S>> {
  const res = await providerFetch(env, providerId, {
    method: req.method,
    path: req.path,
    headers: { authorization, accept: 'application/json' },
    ...(req.json !== undefined ? { json: req.json } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    timeoutMs: 60_000,
  });
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const envelope = KlingEnvelope.safeParse(body);
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  const extra = retryAfterMs !== undefined ? { retryAfterMs } : {};
  if (envelope.success && envelope.data.code !== 0) {
    const { code, request_id } = envelope.data;
    const message = envelope.data.message || `code ${code}`;
    throw new ProviderError(klingErrorCode(code, message), `${providerId}: ${message}`, {
      details: { klingCode: code, status: res.status, ...(request_id ? { requestId: request_id } : {}) },
      ...extra,
    });
  }
  if (!res.ok) throw new ProviderError(codeForStatus(res.status), `${providerId}: HTTP ${res.status} ${text.slice(0, 200)}`, { details: { status: res.status }, ...extra });
  const checked = checkAnswer(providerId, KlingEnvelope, body, { status: res.status, text });
  if (checked.data === undefined || checked.data === null) {
    throw new ProviderError('PROVIDER_ERROR', `${providerId}: the answer had no data`, { cause: new ProviderResponseBody(text, res.status) });
  }
  return checkAnswer(providerId, answer, checked.data, { status: res.status, text, prefix: ['data'] });
}
