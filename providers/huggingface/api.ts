import type { ErrorCode } from '../../domain/errors';
import { firstString, MODERATION, type ErrorReading } from '../json-call';

export const HUGGINGFACE_PROVIDER_ID = 'huggingface';
export const HUGGINGFACE_ROUTER_URL = 'https://router.huggingface.co';

export const HuggingFacePath = {
  /** Inference Providers, HF Inference: JSON in, raw image bytes out. */
  textToImage: (repo: string) => `/hf-inference/models/${repo}`,
  /** Inference Providers' OpenAI-compatible router: the base URL `https://router.huggingface.co/v1`. */
  chatCompletions: '/v1/chat/completions',
  upload: '/gradio_api/upload',
  call: (apiName: string) => `/gradio_api/call/${encodeURIComponent(apiName)}`,
  events: (apiName: string, eventId: string) => `/gradio_api/call/${encodeURIComponent(apiName)}/${encodeURIComponent(eventId)}`,
} as const;

/**
 * Where a Space answers. On the real service that is its own host, `<owner>-<name>.hf.space`;
 * with a base URL override (a proxy, a local fake) Spaces are under `<base>/spaces/<owner>/<name>`.
 */
export function spaceUrl(baseUrl: string, space: string): string {
  if (baseUrl !== HUGGINGFACE_ROUTER_URL) return `${baseUrl}/spaces/${space}`;
  return `https://${space.toLowerCase().replace(/[/._]/g, '-')}.hf.space`;
}

/** The router and HF Inference answer `{ error: string | { message } }`, 503 with `estimated_time` while a model loads. */
export function readHuggingFaceError(status: number, body: unknown): ErrorReading {
  const o = (body && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown };
  const nested = o.error && typeof o.error === 'object' ? (o.error as { message?: unknown }).message : undefined;
  const message = firstString(o.error, nested, o.message);
  const text = message ?? '';
  let code: ErrorCode | undefined;
  if (status === 402 || /exceeded your monthly included credits|pre-paid credits|insufficient/i.test(text)) code = 'QUOTA_EXCEEDED';
  else if (status === 401 || status === 403) code = 'AUTHENTICATION_FAILED';
  else if (status === 400 && MODERATION.test(text)) code = 'CONTENT_REJECTED';
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** The seconds HF Inference expects a cold model to take to load: a Retry-After in the body. */
export function estimatedLoadMs(body: unknown): number | undefined {
  const t = body && typeof body === 'object' ? (body as { estimated_time?: unknown }).estimated_time : undefined;
  return typeof t === 'number' && t > 0 ? Math.round(t * 1000) : undefined;
}
