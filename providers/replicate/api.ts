import type { ErrorCode } from '../../domain/errors';
import { providerJson, type ProviderRequest } from '../http';
import type { ProviderEnv } from '../types';

export const REPLICATE_PROVIDER_ID = 'replicate';
export const REPLICATE_BASE_URL = 'https://api.replicate.com';

/**
 * Where Replicate serves prediction outputs. Its docs (HTTP API → "Output files") say output
 * file URLs need the API token in `Authorization`; the key goes to these hosts (and the
 * configured base URL's host) only, never to an output URL on a third host.
 */
export const REPLICATE_DELIVERY_HOSTS = ['replicate.delivery', '*.replicate.delivery', 'api.replicate.com'] as const;

/** The delivery hosts for an adapter: the declared ones plus the configured base URL's host. */
export function replicateDeliveryHosts(baseUrl: string): string[] {
  return [...REPLICATE_DELIVERY_HOSTS, new URL(baseUrl).host];
}

export const ReplicatePath = {
  createPrediction: (owner: string, name: string) => `/v1/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/predictions`,
  prediction: (id: string) => `/v1/predictions/${encodeURIComponent(id)}`,
  cancel: (id: string) => `/v1/predictions/${encodeURIComponent(id)}/cancel`,
  files: '/v1/files',
} as const;

/** `POST /v1/files` answers the file object; `urls.get` is what a prediction input takes. */
export interface ReplicateFile {
  id: string;
  urls?: { get?: string };
}

export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';

/** The prediction object, as returned by create, get, cancel and sent by webhooks. */
export interface Prediction {
  id: string;
  model?: string;
  version?: string;
  status: PredictionStatus;
  input?: Record<string, unknown>;
  output?: unknown;
  error?: string | null;
  logs?: string | null;
  created_at?: string;
  started_at?: string | null;
  completed_at?: string | null;
  urls?: { get?: string; cancel?: string; stream?: string; web?: string };
  metrics?: { predict_time?: number };
}

export type WebhookEventType = 'start' | 'output' | 'logs' | 'completed';

export interface CreatePredictionBody {
  input: Record<string, unknown>;
  webhook?: string;
  webhook_events_filter?: WebhookEventType[];
}

/**
 * Replicate answers errors as problem details: `{ title, detail, status }` (422 adds
 * `invalid_fields`). The status says almost everything; the detail refines a few cases.
 */
export function classifyReplicateError(status: number, body: unknown): ErrorCode | undefined {
  const o = body && typeof body === 'object' ? (body as { title?: unknown; detail?: unknown }) : {};
  const text = `${typeof o.title === 'string' ? o.title : ''} ${typeof o.detail === 'string' ? o.detail : ''}`.toLowerCase();
  if (status === 402 || text.includes('insufficient credit') || text.includes('billing')) return 'QUOTA_EXCEEDED';
  if (status === 422 || status === 400) return /nsfw|sensitive|safety/.test(text) ? 'CONTENT_REJECTED' : 'INVALID_PARAMETERS';
  return undefined;
}

export function replicateCall<T>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest): Promise<T> {
  return providerJson<T>(
    env,
    REPLICATE_PROVIDER_ID,
    { ...req, headers: { ...req.headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) } },
    classifyReplicateError,
  );
}
