import { z } from 'zod';
import { ProviderError, type ErrorCode } from '../../domain/errors';
import { checkAnswer, classifiedBy, providerCall } from '../core/call';
import { parseRetryAfter } from '../http';
import type { CallContext, ProviderEnv } from '../types';

export const KIE_PROVIDER_ID = 'kie';
export const KIE_BASE_URL = 'https://api.kie.ai';

/**
 * Every Kie answer is wrapped like this, usually with HTTP 200 even when `code` says otherwise;
 * `data` is checked against the call's own schema once `code` says 200.
 */
export const KieEnvelope = z.looseObject({
  code: z.number(),
  msg: z.string().nullish(),
  data: z.unknown().optional(),
});

/** The create and record endpoints of each API family. */
export const KIE_ENDPOINTS = {
  'gpt4o-image': { create: '/api/v1/gpt4o-image/generate', record: '/api/v1/gpt4o-image/record-info' },
  'flux-kontext': { create: '/api/v1/flux/kontext/generate', record: '/api/v1/flux/kontext/record-info' },
  jobs: { create: '/api/v1/jobs/createTask', record: '/api/v1/jobs/recordInfo' },
  veo: { create: '/api/v1/veo/generate', record: '/api/v1/veo/record-info' },
  // An extension is a task of its family: polled on the family's record endpoint.
  'veo-extend': { create: '/api/v1/veo/extend', record: '/api/v1/veo/record-info' },
  runway: { create: '/api/v1/runway/generate', record: '/api/v1/runway/record-detail' },
  'runway-extend': { create: '/api/v1/runway/extend', record: '/api/v1/runway/record-detail' },
  midjourney: { create: '/api/v1/mj/generate', record: '/api/v1/mj/record-info' },
} as const;
export type KieApi = keyof typeof KIE_ENDPOINTS;

const MODERATION = /content polic|flagged|violat|sensitive|nsfw|unsafe|prohibited|moderat|inappropriate/i;

/**
 * The taxonomy code for a Kie `code`, in a response envelope (the request itself failed).
 * Documented codes: 401 auth, 402 credits, 404, 422 validation, 429 rate limit, 433 sub-key
 * limit, 451 image download failed, 455 maintenance, 500 server error, 501 generation failed,
 * 505 feature disabled, 550 queue full.
 */
export function kieRequestErrorCode(code: number, message = ''): ErrorCode {
  switch (code) {
    case 401:
    case 403:
      return 'AUTHENTICATION_FAILED';
    case 402:
    case 433:
      return 'QUOTA_EXCEEDED';
    case 429:
      return 'RATE_LIMITED';
    case 451:
      return 'INPUT_FETCH_FAILED';
    case 455:
    case 500:
    case 502:
    case 503:
    case 550:
      return 'PROVIDER_UNAVAILABLE';
    case 504:
      return 'PROVIDER_TIMEOUT';
    case 505:
      return 'UNSUPPORTED_CAPABILITY';
    case 400:
    case 413:
    case 422:
      return MODERATION.test(message) ? 'CONTENT_REJECTED' : 'INVALID_PARAMETERS';
    default:
      return MODERATION.test(message) ? 'CONTENT_REJECTED' : 'PROVIDER_ERROR';
  }
}

/**
 * The taxonomy code for a failed task's error code (`errorCode` / `failCode`). The task is
 * over, so nothing here is retryable: 400 is moderation or a bad input image, 451 an input
 * image Kie could not download, 500/501 a failed generation.
 */
export function kieTaskErrorCode(code: number | string | null | undefined, message = ''): ErrorCode {
  if (MODERATION.test(message)) return 'CONTENT_REJECTED';
  const n = typeof code === 'string' ? Number(code) : code;
  if (n === 451) return 'INPUT_FETCH_FAILED';
  if (n === 400 || n === 422) return 'INVALID_PARAMETERS';
  return 'PROVIDER_ERROR';
}

export function taskFailure(code: number | string | null | undefined, message: string | null | undefined): ProviderError {
  const text = message || 'the task failed';
  const taxonomy = kieTaskErrorCode(code, text);
  return new ProviderError(taxonomy, `${KIE_PROVIDER_ID}: ${text}`, {
    retryable: false,
    ...(code !== null && code !== undefined ? { details: { kieCode: code } } : {}),
  });
}

function envelopeCode(body: unknown): number | undefined {
  if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'number') return (body as { code: number }).code;
  return undefined;
}

function envelopeMessage(body: unknown): string {
  const msg = body && typeof body === 'object' ? (body as { msg?: unknown }).msg : undefined;
  return typeof msg === 'string' ? msg : '';
}

/**
 * One call to Kie: sends the key as a bearer token, unwraps the envelope and turns a non-200
 * `code` (or HTTP status) into a ProviderError. Returns `data`, checked against `answer`.
 */
export async function kieCall<S extends z.ZodType>(
  env: ProviderEnv,
  ctx: CallContext,
  req: { method: 'GET' | 'POST'; path: string; json?: unknown },
  answer: S,
): Promise<z.output<S>> {
  if (!ctx.apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${KIE_PROVIDER_ID}: no API key`, { retryable: false });
  let status = 200;
  let retryAfter: string | null = null;
  const body = await providerCall(
    env,
    KIE_PROVIDER_ID,
    {
      method: req.method,
      path: req.path,
      headers: { authorization: `Bearer ${ctx.apiKey}`, accept: 'application/json' },
      ...(req.json !== undefined ? { json: req.json } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      timeoutMs: 60_000,
    },
    KieEnvelope,
    {
      errors: classifiedBy((_status, body) => {
        const code = envelopeCode(body);
        return code !== undefined && code !== 200 ? kieRequestErrorCode(code, envelopeMessage(body)) : undefined;
      }),
      onHeaders: (headers, s) => {
        status = s;
        retryAfter = headers.get('retry-after');
      },
    },
  );
  if (body.code !== 200) {
    const message = body.msg || `code ${body.code}`;
    const retryAfterMs = parseRetryAfter(retryAfter);
    throw new ProviderError(kieRequestErrorCode(body.code, message), `${KIE_PROVIDER_ID}: ${message}`, {
      details: { kieCode: body.code },
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  return checkAnswer(KIE_PROVIDER_ID, answer, body.data, { status, prefix: ['data'] });
}
