import { z } from 'zod';
import { ProviderError } from '../../domain/errors';
import { readAnswer } from '../core/call';
import { googleError } from '../google/api';
import { providerFetch } from '../http';
import type { CallContext, ProviderEnv } from '../types';
import { readServiceAccountKey, serviceAccountTokenSource, staticTokenSource, type TokenSource } from './auth';
import { VERTEX_BASE_URL, VERTEX_DEFAULT_LOCATION, VERTEX_PROVIDER_ID } from './constants';

export { VERTEX_BASE_URL, VERTEX_PROVIDER_ID } from './constants';

/** `Provider.settings`: read from GENFLOW_VERTEX_<NAME> by providers/settings.ts, never here. */
export const VERTEX_SETTINGS = ['CREDENTIALS', 'PROJECT', 'LOCATION', 'ACCESS_TOKEN'] as const;

/** Where and as whom the adapter calls Vertex AI. */
export interface VertexConnection {
  project: string;
  location: string;
  baseUrl: string;
  tokens: TokenSource;
}

const LOCATION = /^[a-z]+(?:-[a-z0-9]+)+$|^global$/;
/** Project ids, including the older domain-scoped `example.com:project`: no slashes or spaces reach the path. */
const PROJECT = /^[\w.:-]+$/;

/**
 * The base URL for a location: the configured one when it was overridden (a fake, a proxy),
 * else the location's own regional host (`https://{LOCATION}-aiplatform.googleapis.com`; the
 * `global` location is `https://aiplatform.googleapis.com`).
 */
export function vertexBaseUrl(configured: string, location: string): string {
  if (configured !== VERTEX_BASE_URL) return configured;
  return location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`;
}

/**
 * The connection from the provider's settings: a service-account key (CREDENTIALS, a path or
 * the JSON) whose tokens are minted and renewed here, else a ready ACCESS_TOKEN; the project
 * from PROJECT or the key; LOCATION, default us-central1. Missing pieces fail the call with
 * AUTHENTICATION_FAILED saying which setting to give.
 */
export function vertexConnection(env: Pick<ProviderEnv, 'settings' | 'fetch' | 'baseUrl' | 'dataDir'>): VertexConnection {
  const settings = env.settings ?? {};
  const fail = (message: string) => new ProviderError('AUTHENTICATION_FAILED', `${VERTEX_PROVIDER_ID}: ${message}`, { retryable: false });
  const key = settings.CREDENTIALS ? readServiceAccountKey(settings.CREDENTIALS) : undefined;
  let tokens: TokenSource;
  if (key) tokens = serviceAccountTokenSource(key, env);
  else if (settings.ACCESS_TOKEN) tokens = staticTokenSource(settings.ACCESS_TOKEN);
  else throw fail('no credentials: set GENFLOW_VERTEX_CREDENTIALS (a service-account key file or its JSON) or GENFLOW_VERTEX_ACCESS_TOKEN');
  const project = settings.PROJECT ?? key?.project_id;
  if (!project) throw fail('no project: set GENFLOW_VERTEX_PROJECT (the key file has no project_id)');
  if (!PROJECT.test(project)) throw fail('GENFLOW_VERTEX_PROJECT is not a project id');
  const location = settings.LOCATION ?? VERTEX_DEFAULT_LOCATION;
  if (!LOCATION.test(location)) throw fail(`GENFLOW_VERTEX_LOCATION '${location}' is not a location such as us-central1`);
  return { project, location, baseUrl: vertexBaseUrl(env.baseUrl, location), tokens };
}

/** `POST …/v1/projects/{p}/locations/{l}/publishers/google/models/{model}:predict`. */
export function predictPath(conn: Pick<VertexConnection, 'project' | 'location'>, model: string): string {
  return `/v1/projects/${encodeURIComponent(conn.project)}/locations/${encodeURIComponent(conn.location)}/publishers/google/models/${encodeURIComponent(model)}:predict`;
}

/** The predict answer as far as the adapter reads it; Vertex omits what it does not set. */
export const PredictAnswer = z.looseObject({
  predictions: z
    .array(z.looseObject({ bytesBase64Encoded: z.string().optional(), mimeType: z.string().optional(), raiFilteredReason: z.string().optional() }))
    .optional(),
});
export type PredictAnswer = z.output<typeof PredictAnswer>;

/**
 * One predict call with the bearer token. A 401 drops the cached token; a service account's
 * call is then sent once more with a freshly minted one (a token revoked before its expiry,
 * a clock that drifted), so the generation does not fail for a token genflow can replace.
 */
export async function predict(env: ProviderEnv, conn: VertexConnection, ctx: CallContext, model: string, body: unknown, timeoutMs: number): Promise<PredictAnswer> {
  const send = async () =>
    providerFetch(env, VERTEX_PROVIDER_ID, {
      method: 'POST',
      path: `${conn.baseUrl}${predictPath(conn, model)}`,
      headers: { authorization: `Bearer ${await conn.tokens.token()}` },
      json: body,
      timeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  let res = await send();
  if (res.status === 401) {
    conn.tokens.invalidate();
    if (conn.tokens.renewable) {
      await res.body?.cancel().catch(() => undefined);
      res = await send();
      if (res.status === 401) conn.tokens.invalidate();
    }
  }
  // Vertex answers errors with Google's body `{ error: { code, message, status, details? } }`.
  if (!res.ok) throw await googleError(res, VERTEX_PROVIDER_ID);
  return readAnswer(VERTEX_PROVIDER_ID, res, PredictAnswer);
}
