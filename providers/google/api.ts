import type { z } from 'zod';
import { readAnswer } from '../core/call';
import { ProviderError, type ErrorCode } from '../../domain/errors';
import { codeForStatus, parseRetryAfter, providerFetch } from '../http';
import type { CallContext, ProviderEnv } from '../types';

export const GOOGLE_PROVIDER_ID = 'google';
export const GOOGLE_BASE_URL = 'https://generativelanguage.googleapis.com';
export const GOOGLE_API_KEY_HEADER = 'x-goog-api-key';

/** Google's error body: `{ error: { code, message, status, details? } }`. */
export interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: Array<Record<string, unknown>> };
}

const STATUS_CODES: Record<string, ErrorCode> = {
  INVALID_ARGUMENT: 'INVALID_PARAMETERS',
  OUT_OF_RANGE: 'INVALID_PARAMETERS',
  FAILED_PRECONDITION: 'UNSUPPORTED_CAPABILITY',
  UNAUTHENTICATED: 'AUTHENTICATION_FAILED',
  PERMISSION_DENIED: 'AUTHENTICATION_FAILED',
  RESOURCE_EXHAUSTED: 'RATE_LIMITED',
  NOT_FOUND: 'PROVIDER_ERROR',
  UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  INTERNAL: 'PROVIDER_UNAVAILABLE',
  UNKNOWN: 'PROVIDER_UNAVAILABLE',
  DEADLINE_EXCEEDED: 'PROVIDER_TIMEOUT',
  CANCELLED: 'CANCELED',
};

/** google.rpc.Code numbers, as a failed long-running operation reports them. */
const RPC_STATUS = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

export function rpcStatusName(code: number | undefined): string | undefined {
  return code === undefined ? undefined : RPC_STATUS[code];
}

const SAFETY = /safety|blocked|prohibited|responsible ai|violat|sensitive|policy/i;

/**
 * The taxonomy code for a Google error. An invalid key answers 400 INVALID_ARGUMENT with
 * reason API_KEY_INVALID, so the reason is read before the status.
 */
export function googleErrorCode(httpStatus: number, body: GoogleErrorBody): ErrorCode {
  const error = body.error ?? {};
  const reasons = (error.details ?? []).map((d) => d.reason).filter((r): r is string => typeof r === 'string');
  if (reasons.some((r) => r === 'API_KEY_INVALID' || r === 'API_KEY_SERVICE_BLOCKED') || /API key not valid|API key expired/i.test(error.message ?? '')) {
    return 'AUTHENTICATION_FAILED';
  }
  const byStatus = error.status ? STATUS_CODES[error.status] : undefined;
  if (byStatus === 'INVALID_PARAMETERS' && SAFETY.test(error.message ?? '')) return 'CONTENT_REJECTED';
  return byStatus ?? codeForStatus(httpStatus);
}

/** RetryInfo's `retryDelay` ("17s", "0.5s") from the error details, Google's way of saying Retry-After. */
export function retryDelayMs(body: GoogleErrorBody): number | undefined {
  for (const detail of body.error?.details ?? []) {
    const delay = detail.retryDelay;
    if (typeof detail['@type'] === 'string' && detail['@type'].endsWith('RetryInfo') && typeof delay === 'string') {
      const seconds = Number(delay.replace(/s$/, ''));
      if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    }
  }
  return undefined;
}

/** Google's error body as a taxonomy error; Vertex AI answers the same body (providers/vertex). */
export async function googleError(res: Response, providerId: string = GOOGLE_PROVIDER_ID): Promise<ProviderError> {
  const text = await res.text().catch(() => '');
  let body: GoogleErrorBody = {};
  try {
    body = JSON.parse(text) as GoogleErrorBody;
  } catch {
    // A proxy's HTML page: the status alone decides.
  }
  const code = googleErrorCode(res.status, body);
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after')) ?? retryDelayMs(body);
  const message = body.error?.message || text.slice(0, 200) || `HTTP ${res.status}`;
  return new ProviderError(code, `${providerId}: ${message}`, {
    details: { status: res.status, ...(body.error?.status ? { googleStatus: body.error.status } : {}) },
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

export function keyHeaders(ctx: CallContext): Record<string, string> {
  if (!ctx.apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${GOOGLE_PROVIDER_ID}: no API key`, { retryable: false });
  return { [GOOGLE_API_KEY_HEADER]: ctx.apiKey };
}

/** One JSON call to the Gemini API with the key in its header (never in the URL), its answer checked against `answer`. */
export async function googleCall<S extends z.ZodType>(
  env: ProviderEnv,
  ctx: CallContext,
  req: { method: 'GET' | 'POST'; path: string; json?: unknown; timeoutMs?: number },
  answer: S,
): Promise<z.output<S>> {
  const res = await providerFetch(env, GOOGLE_PROVIDER_ID, {
    method: req.method,
    path: req.path,
    headers: keyHeaders(ctx),
    ...(req.json !== undefined ? { json: req.json } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
  });
  if (!res.ok) throw await googleError(res);
  return readAnswer(GOOGLE_PROVIDER_ID, res, answer);
}
