import { z } from 'zod';
import type { ErrorCode } from '../../domain/errors';
import { classifiedBy, providerCall } from '../core/call';
import type { ProviderRequest } from '../http';
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
  /** Any model by `version` (a community model is `owner/name:<version id>`; changelog 2025-08-05). */
  predictions: '/v1/predictions',
  prediction: (id: string) => `/v1/predictions/${encodeURIComponent(id)}`,
  cancel: (id: string) => `/v1/predictions/${encodeURIComponent(id)}/cancel`,
  files: '/v1/files',
} as const;

/** `POST /v1/files` answers the file object; `urls.get` is what a prediction input takes. */
export const ReplicateFileAnswer = z.looseObject({
  id: z.string(),
  urls: z.looseObject({ get: z.string().optional() }).optional(),
});
export type ReplicateFile = z.output<typeof ReplicateFileAnswer>;

export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';

/**
 * The prediction object, as returned by create, get, cancel and sent by webhooks: only the
 * fields genflow reads are checked. `status` stays a string here so that a status Replicate
 * adds later is named as such by `predictionResult`, not as a schema mismatch.
 */
export const PredictionAnswer = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  output: z.unknown().optional(),
  error: z.string().nullish(),
  logs: z.string().nullish(),
});
export type Prediction = z.output<typeof PredictionAnswer>;

export type WebhookEventType = 'start' | 'output' | 'logs' | 'completed';

export interface CreatePredictionBody {
  /** Only on `POST /v1/predictions`: the community model's `owner/name:<version id>`. */
  version?: string;
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

/** One call to Replicate, its answer checked against `answer`. */
export function replicateCall<S extends z.ZodType>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest, answer: S): Promise<z.output<S>> {
  return providerCall(
    env,
    REPLICATE_PROVIDER_ID,
    { ...req, headers: { ...req.headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) } },
    answer,
    { errors: classifiedBy(classifyReplicateError) },
  );
}
