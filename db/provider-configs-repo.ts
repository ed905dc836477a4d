import { sql, type Kysely } from 'kysely';
import { GenflowError } from '../domain/errors';
import type { ProviderConfig, ProviderConfigBody, ProviderConfigStore } from '../providers/provider-config';
import type { SecretBox } from '../providers/secret-box';
import type { Database, ProviderConfigsTable } from './schema';

type Row = Pick<ProviderConfigsTable, 'provider' | 'base_url' | 'api_keys_sealed' | 'enabled' | 'timeout_ms'> & {
  rate_limit: ProviderConfig['rateLimit'] | null;
  models: ProviderConfig['models'] | null;
  version: number;
  updated_at: Date | string;
};

/**
 * `provider_configs`: keys are sealed before they reach the database and opened only in memory.
 * Without a secret box (no GENFLOW_SECRET_KEY), configs without keys still work; storing keys
 * is refused, and stored keys are not used.
 */
export function createProviderConfigsRepo(db: Kysely<Database>, box: SecretBox | undefined): ProviderConfigStore {
  function toConfig(r: Row): ProviderConfig {
    let apiKeys: string[] | undefined;
    if (r.api_keys_sealed && box) {
      try {
        apiKeys = JSON.parse(box.open(r.api_keys_sealed)) as string[];
      } catch {
        // Sealed under another GENFLOW_SECRET_KEY: the keys are unusable, the rest still holds.
        apiKeys = undefined;
      }
    }
    return {
      providerId: r.provider,
      ...(r.base_url ? { baseUrl: r.base_url } : {}),
      ...(apiKeys ? { apiKeys } : {}),
      enabled: r.enabled,
      ...(r.timeout_ms !== null ? { timeoutMs: r.timeout_ms } : {}),
      ...(r.rate_limit ? { rateLimit: r.rate_limit } : {}),
      ...(r.models ? { models: r.models } : {}),
      version: r.version,
      updatedAt: new Date(r.updated_at),
    };
  }

  return {
    async list() {
      return (await db.selectFrom('provider_configs').selectAll().execute()).map(toConfig);
    },
    async get(providerId) {
      const row = await db.selectFrom('provider_configs').selectAll().where('provider', '=', providerId).executeTakeFirst();
      return row ? toConfig(row) : undefined;
    },
    async put(providerId, body: ProviderConfigBody) {
      if (body.apiKeys && !box) {
        throw new GenflowError('UNAVAILABLE', 'storing API keys needs GENFLOW_SECRET_KEY (32 bytes, base64 or hex) so they are encrypted at rest', {
          details: { field: 'apiKeys' },
        });
      }
      const values = {
        base_url: body.baseUrl ?? null,
        api_keys_sealed: body.apiKeys && box ? box.seal(JSON.stringify(body.apiKeys)) : null,
        enabled: body.enabled ?? true,
        timeout_ms: body.timeoutMs ?? null,
        rate_limit: body.rateLimit ? JSON.stringify(body.rateLimit) : null,
        models: body.models ? JSON.stringify(body.models) : null,
      };
      // A PUT replaces the whole config; the version tells every process's cache it changed.
      const row = await db
        .insertInto('provider_configs')
        .values({ provider: providerId, ...values })
        .onConflict((oc) => oc.column('provider').doUpdateSet({ ...values, version: sql`provider_configs.version + 1`, updated_at: sql`now()` }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConfig(row);
    },
    async delete(providerId) {
      const res = await db.deleteFrom('provider_configs').where('provider', '=', providerId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
