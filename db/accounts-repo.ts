import { sql, type Kysely } from 'kysely';
import type { ApiKeyRole } from '../domain/accounts';
import type { ApiKeyRow, Database } from './schema';

export interface NewApiKey {
  id: string;
  name: string;
  keyHash: string;
  keyPrefix: string;
  role: ApiKeyRole;
  owner: string;
  budgetMicros: { daily?: number; monthly?: number; total?: number };
  requestsPerMinute?: number;
  maxConcurrentGenerations?: number;
}

export interface UsageRow {
  day: string;
  /** The model the money went to (a fallback's after a fallback), and its provider. */
  model: string;
  provider: string;
  generations: number;
  /** Price-table estimates of what settled, next to what settled (the actual). */
  estimated_micros: number;
  settled_micros: number;
  /** The part of settled_micros the providers reported themselves. */
  reported_micros: number;
  reserved_micros: number;
  released_micros: number;
}

/**
 * How long a key found by its hash is answered from memory. Every authenticated request looks
 * its key up; keys never change except by revocation, which clears the key here at once in the
 * process that revoked it — other API processes see it within this time (README, Authentication).
 */
export const KEY_CACHE_MS = 5_000;
/** Bounds the memory of many distinct keys; past it the oldest entries go first. */
const KEY_CACHE_MAX = 10_000;

export function createAccountsRepo(db: Kysely<Database>, options: { keyCacheMs?: number } = {}) {
  const cacheMs = options.keyCacheMs ?? KEY_CACHE_MS;
  // Found keys only: an unknown hash is looked up each time, so a key made elsewhere works at once.
  const byHash = new Map<string, { row: ApiKeyRow; until: number }>();
  return {
    async insertKey(key: NewApiKey): Promise<ApiKeyRow> {
      return db
        .insertInto('api_keys')
        .values({
          id: key.id,
          name: key.name,
          key_hash: key.keyHash,
          key_prefix: key.keyPrefix,
          role: key.role,
          owner: key.owner,
          budget_daily_micros: key.budgetMicros.daily ?? null,
          budget_monthly_micros: key.budgetMicros.monthly ?? null,
          budget_total_micros: key.budgetMicros.total ?? null,
          requests_per_minute: key.requestsPerMinute ?? null,
          max_concurrent_generations: key.maxConcurrentGenerations ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** A key by the hash of what the caller presented; revoked keys are returned too (the caller decides). */
    async findByHash(keyHash: string): Promise<ApiKeyRow | undefined> {
      const cached = byHash.get(keyHash);
      if (cached && cached.until > Date.now()) return cached.row;
      const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
      byHash.delete(keyHash);
      if (row && cacheMs > 0) {
        if (byHash.size >= KEY_CACHE_MAX) byHash.delete(byHash.keys().next().value!);
        byHash.set(keyHash, { row, until: Date.now() + cacheMs });
      }
      return row;
    },

    listKeys(): Promise<ApiKeyRow[]> {
      return db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
    },

    /** Revokes a key; answers the row (also when it was already revoked), or undefined. */
    async revokeKey(id: string): Promise<ApiKeyRow | undefined> {
      await db.updateTable('api_keys').set({ revoked_at: sql`now()` }).where('id', '=', id).where('revoked_at', 'is', null).execute();
      for (const [hash, entry] of byHash) if (entry.row.id === id) byHash.delete(hash);
      return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async hasActiveAdminKey(): Promise<boolean> {
      const row = await db.selectFrom('api_keys').select('id').where('role', '=', 'admin').where('revoked_at', 'is', null).executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Counts one request in the key's current one-minute window (shared by every API process
     * through the database) and answers the count and when the window ends.
     */
    async countRequest(keyId: string): Promise<{ count: number; windowEndsAt: Date }> {
      const row = await sql<{ count: number; window_start: Date }>`
        insert into api_key_requests (key_id, window_start, count)
        values (${keyId}, date_trunc('minute', now()), 1)
        on conflict (key_id, window_start) do update set count = api_key_requests.count + 1
        returning count, window_start`
        .execute(db)
        .then((r) => r.rows[0]!);
      const count = Number(row.count);
      // The first request of a window sweeps the key's old windows, so the table stays small.
      if (count === 1) await db.deleteFrom('api_key_requests').where('key_id', '=', keyId).where('window_start', '<', sql<Date>`now() - interval '5 minutes'`).execute();
      return { count, windowEndsAt: new Date(new Date(row.window_start).getTime() + 60_000) };
    },

    /**
     * Spend per UTC day, model and provider for one owner (or everyone), from the ledger. A
     * settled generation counts under the model the money went to; an open or released one under
     * the model asked for. Model ids are `<provider>/<model>`, so the provider is the prefix.
     */
    async usage(filter: { owner?: string; from: Date; to: Date }): Promise<UsageRow[]> {
      const model = sql<string>`coalesce(charged_model, model)`;
      let query = db
        .selectFrom('usage_ledger')
        .select([
          sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`.as('day'),
          model.as('model'),
          sql<string>`split_part(${model}, '/', 1)`.as('provider'),
          sql<number>`count(*)`.as('generations'),
          sql<number>`coalesce(sum(coalesce(estimated_micros, settled_micros)) filter (where state = 'settled'), 0)`.as('estimated_micros'),
          sql<number>`coalesce(sum(settled_micros) filter (where state = 'settled'), 0)`.as('settled_micros'),
          sql<number>`coalesce(sum(settled_micros) filter (where state = 'settled' and charge_source = 'provider'), 0)`.as('reported_micros'),
          sql<number>`coalesce(sum(reserved_micros) filter (where state = 'reserved'), 0)`.as('reserved_micros'),
          sql<number>`coalesce(sum(reserved_micros) filter (where state = 'released'), 0)`.as('released_micros'),
        ])
        .where('created_at', '>=', filter.from)
        .where('created_at', '<', filter.to);
      if (filter.owner !== undefined) query = query.where('owner', '=', filter.owner);
      const rows = await query.groupBy([sql`1`, sql`2`, sql`3`]).orderBy('day').orderBy('model').execute();
      return rows.map((r) => ({
        day: r.day,
        model: r.model,
        provider: r.provider,
        generations: Number(r.generations),
        estimated_micros: Number(r.estimated_micros),
        settled_micros: Number(r.settled_micros),
        reported_micros: Number(r.reported_micros),
        reserved_micros: Number(r.reserved_micros),
        released_micros: Number(r.released_micros),
      }));
    },
  };
}
export type AccountsRepo = ReturnType<typeof createAccountsRepo>;
