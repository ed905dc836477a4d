import { z } from 'zod';

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
  enabled: z.boolean().optional().describe('false: calls fail with PROVIDER_UNAVAILABLE (fallbacks may take over)'),
  timeoutMs: z.int().min(1_000).max(600_000).optional().describe('Per HTTP request to the provider'),
  rateLimit: z
    .strictObject({
      requestsPerSecond: z.number().positive().max(10_000).optional(),
      maxConcurrent: z.int().positive().max(10_000).optional(),
    })
    .optional()
    .describe('Enforced for all workers together'),
});
export type ProviderConfigBody = z.infer<typeof providerConfigBody>;

/** A provider's config as the runtime uses it: keys in clear, in memory only. */
export interface ProviderConfig {
  providerId: string;
  baseUrl?: string;
  apiKeys?: string[];
  enabled: boolean;
  timeoutMs?: number;
  rateLimit?: { requestsPerSecond?: number; maxConcurrent?: number };
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
