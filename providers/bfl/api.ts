import type { ErrorCode } from '../../domain/errors';
import { providerJson, type ProviderRequest } from '../http';
import type { ProviderEnv } from '../types';

export const BFL_PROVIDER_ID = 'bfl';
export const BFL_BASE_URL = 'https://api.bfl.ai';

export const BflPath = {
  submit: (endpoint: string) => `/v1/${endpoint}`,
  /** Only a fallback: submit answers the URL to poll, which may be on a regional host. */
  result: (id: string) => `/v1/get_result?id=${encodeURIComponent(id)}`,
} as const;

export interface SubmitResponse {
  id: string;
  polling_url?: string;
  cost?: number;
}

export type ResultStatus = 'Task not found' | 'Pending' | 'Request Moderated' | 'Content Moderated' | 'Ready' | 'Error';

export interface ResultResponse {
  id: string;
  status: ResultStatus;
  result?: { sample?: string; prompt?: string; seed?: number; duration?: number } | null;
  progress?: number | null;
  details?: Record<string, unknown> | null;
}

/** BFL answers errors FastAPI-style, `{ detail: string | [{ loc, msg, type }] }`. */
export function classifyBflError(status: number, body: unknown): ErrorCode | undefined {
  const detail = body && typeof body === 'object' ? (body as { detail?: unknown }).detail : undefined;
  const text = typeof detail === 'string' ? detail.toLowerCase() : '';
  if (status === 402 || text.includes('insufficient credits')) return 'QUOTA_EXCEEDED';
  if (text.includes('moderat')) return 'CONTENT_REJECTED';
  return undefined;
}

export function bflCall<T>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest): Promise<T> {
  return providerJson<T>(env, BFL_PROVIDER_ID, { ...req, headers: { ...req.headers, ...(apiKey ? { 'x-key': apiKey } : {}) } }, classifyBflError);
}
