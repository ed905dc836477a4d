import { z } from 'zod';
import { SafeFetchError, vetUrl, type ResolvedAddress } from '../media/safe-fetch';

/**
 * What an admin may set for a provider over the API (`PUT /v1/providers/:id/config`). Every
 * field is optional: an absent one falls back to the environment (`GENFLOW_<P>_*`) and then to
 * the provider's defaults. Unknown fields are refused, so a typo never silently does nothing.
 */
export const providerConfigBody = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2048)
    .optional()
    .describe('Where calls go instead of the provider default'),
  apiKeys: z
    .array(z.string().trim().min(8, 'an API key is at least 8 characters').max(4096).regex(/^[^\s,]+$/, 'an API key has no spaces or commas'))
    .min(1)
    .max(50)
    .optional()
    .describe('Replaces the key pool; stored encrypted, shown masked'),
  rebindKeys: z
    .literal(true)
    .optional()
    .describe(
      'With a baseUrl other than the environment\'s and no apiKeys: send the keys already in force (set over the API, else the environment\'s) to the new baseUrl. Not stored.',
    ),
  enabled: z.boolean().optional().describe('false: calls fail with PROVIDER_UNAVAILABLE (fallbacks may take over)'),
  timeoutMs: z.int().min(1_000).max(600_000).optional().describe('Per HTTP request to the provider'),
  rateLimit: z
    .strictObject({
      requestsPerSecond: z.number().positive().max(10_000).optional(),
      maxConcurrent: z.int().positive().max(10_000).optional(),
    })
    .optional()
    .describe('Enforced for all workers together'),
  models: z
    .record(
      z.string().min(1).max(200),
      z.strictObject({
        enabled: z.boolean().optional().describe('false: new generations of this model fail with PROVIDER_UNAVAILABLE (fallbacks may take over); tasks already running finish'),
        defaults: z
          .record(z.string().min(1).max(100), z.unknown())
          .optional()
          .describe('Parameter values a submit of this model gets when it does not give them (checked against the model\'s parameters when set)'),
      }),
    )
    .optional()
    .describe('Per-model settings, by model id (`<provider>/<model>`, one of this provider\'s)'),
});
export type ProviderConfigBody = z.infer<typeof providerConfigBody>;

/** One model's settings made over the API. */
export interface ModelConfig {
  enabled?: boolean;
  /** Parameters a submit gets when it does not give them (under the request's own, over the model's defaults). */
  defaults?: Record<string, unknown>;
}

/** A provider's config as the gateway uses it: keys in clear, in memory only. */
export interface ProviderConfig {
  providerId: string;
  baseUrl?: string;
  apiKeys?: string[];
  enabled: boolean;
  timeoutMs?: number;
  rateLimit?: { requestsPerSecond?: number; maxConcurrent?: number };
  /** Per-model settings, by model id. */
  models?: Record<string, ModelConfig>;
  version: number;
  updatedAt: Date;
}

/** Where configs live (Postgres/PGlite in genflow: db/provider-configs-repo.ts). */
export interface ProviderConfigStore {
  list(): Promise<ProviderConfig[]>;
  get(providerId: string): Promise<ProviderConfig | undefined>;
  put(providerId: string, body: ProviderConfigBody): Promise<ProviderConfig>;
  delete(providerId: string): Promise<boolean>;
}

/**
 * Why a base URL set over the API is refused, or undefined when it may be used: credentials in
 * the URL (`user:pw@host`: keys go in `apiKeys`, sealed), and — unless private addresses are
 * allowed — any host that is or resolves to a loopback, private, link-local or metadata address,
 * in any spelling (`[::1]`, `0x7f000001`, `2130706433`, `169.254.169.254`). A name that does not
 * resolve now is accepted: the same check runs again before every call (providers/http.ts).
 */
export async function baseUrlRefusal(
  baseUrl: string,
  options: { allowPrivate: boolean; resolve?: (hostname: string) => Promise<ResolvedAddress[]>; timeoutMs?: number },
): Promise<string | undefined> {
  const url = new URL(baseUrl);
  if (url.username || url.password) return 'must not carry credentials (user:password@): give the keys in apiKeys';
  if (options.allowPrivate) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const slowDns = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), options.timeoutMs ?? 3_000);
  });
  try {
    await Promise.race([vetUrl(url, options.resolve ? { resolve: options.resolve } : {}), slowDns]);
    return undefined;
  } catch (err) {
    if (err instanceof SafeFetchError && err.kind === 'refused') {
      return `${err.message}; provider URLs must be public addresses (GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS=1 allows private ones)`;
    }
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** One model's settings in its provider's config (own entries only: a model id is user input). */
function modelConfig(config: ProviderConfig | undefined, modelId: string): ModelConfig | undefined {
  return config?.models !== undefined && Object.hasOwn(config.models, modelId) ? config.models[modelId] : undefined;
}

/** Whether an admin switched this model off in its provider's config. */
export function modelDisabled(config: ProviderConfig | undefined, modelId: string): boolean {
  return modelConfig(config, modelId)?.enabled === false;
}

/** The parameter defaults an admin set for this model, if any. */
export function modelDefaults(config: ProviderConfig | undefined, modelId: string): Record<string, unknown> | undefined {
  return modelConfig(config, modelId)?.defaults;
}
