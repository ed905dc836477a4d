import { ProviderError, type ErrorCode } from '../../domain/errors';
import { codeForStatus, parseRetryAfter } from '../http';

export const ELEVENLABS_PROVIDER_ID = 'elevenlabs';
export const ELEVENLABS_BASE_URL = 'https://api.elevenlabs.io';
export const ELEVENLABS_KEY_HEADER = 'xi-api-key';

export function ttsPath(voiceId: string, outputFormat: string): string {
  return `/v1/text-to-speech/${encodeURIComponent(voiceId)}?output_format=${encodeURIComponent(outputFormat)}`;
}

/**
 * ElevenLabs errors: `{ detail: { status, message } }`, or FastAPI's `{ detail: [{ loc, msg }] }`
 * for a body that fails validation. `status` names the problem more precisely than HTTP does:
 * quota_exceeded arrives as a 401, for one.
 */
export interface ElevenLabsErrorBody {
  detail?: { status?: string; message?: string } | Array<{ loc?: Array<string | number>; msg?: string }> | string;
}

const DETAIL_STATUS: Record<string, ErrorCode> = {
  invalid_api_key: 'AUTHENTICATION_FAILED',
  missing_api_key: 'AUTHENTICATION_FAILED',
  needs_authorization: 'AUTHENTICATION_FAILED',
  missing_permissions: 'AUTHENTICATION_FAILED',
  detected_unusual_activity: 'AUTHENTICATION_FAILED',
  quota_exceeded: 'QUOTA_EXCEEDED',
  payment_required: 'QUOTA_EXCEEDED',
  too_many_concurrent_requests: 'RATE_LIMITED',
  system_busy: 'PROVIDER_UNAVAILABLE',
  voice_not_found: 'INVALID_PARAMETERS',
  model_not_found: 'INVALID_PARAMETERS',
  max_character_limit_exceeded: 'INVALID_PARAMETERS',
  invalid_voice_settings: 'INVALID_PARAMETERS',
  content_against_policy: 'CONTENT_REJECTED',
  voice_unavailable_due_to_moderation: 'CONTENT_REJECTED',
};

export function elevenlabsErrorCode(httpStatus: number, body: ElevenLabsErrorBody): ErrorCode {
  const detail = body.detail;
  if (detail && !Array.isArray(detail) && typeof detail === 'object' && detail.status) {
    const mapped = DETAIL_STATUS[detail.status];
    if (mapped) return mapped;
  }
  if (httpStatus === 422) return 'INVALID_PARAMETERS';
  return codeForStatus(httpStatus);
}

function messageOf(body: ElevenLabsErrorBody, fallback: string): string {
  const detail = body.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc ?? []).join('.')}: ${d.msg ?? 'invalid'}`).join('; ') || fallback;
  return detail?.message || detail?.status || fallback;
}

export async function elevenlabsError(res: Response): Promise<ProviderError> {
  const text = await res.text().catch(() => '');
  let body: ElevenLabsErrorBody = {};
  try {
    body = JSON.parse(text) as ElevenLabsErrorBody;
  } catch {
    // Not JSON (a proxy's page): the HTTP status alone decides.
  }
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  const detailStatus = body.detail && !Array.isArray(body.detail) && typeof body.detail === 'object' ? body.detail.status : undefined;
  return new ProviderError(elevenlabsErrorCode(res.status, body), `${ELEVENLABS_PROVIDER_ID}: ${messageOf(body, text.slice(0, 200) || `HTTP ${res.status}`)}`, {
    details: { status: res.status, ...(detailStatus ? { elevenlabsStatus: detailStatus } : {}) },
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
