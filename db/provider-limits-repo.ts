import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

export type Acquired = { ok: true } | { ok: false; waitMs: number };

/**
 * The database side of the global provider limits. Each decision runs in a transaction under
 * an advisory lock per provider and on the database's clock, so every worker sees one
 * sequence of calls and one clock.
 */
export function createProviderLimitsRepo(db: Kysely<Database>) {
  const lock = (provider: string) => sql`select pg_advisory_xact_lock(hashtext(${'genflow-provider:' + provider}))`;

  return {
    /** Records a call unless `limit` calls already started within the last `windowMs`. */
    async takeCall(provider: string, limit: number, windowMs: number): Promise<Acquired> {
      return db.transaction().execute(async (trx) => {
        await lock(provider).execute(trx);
        const window = sql<Date>`clock_timestamp() - make_interval(secs => ${windowMs / 1_000})`;
        // Old rows are useless beyond the window; deleting them here keeps the table tiny.
        await trx.deleteFrom('provider_calls').where('provider', '=', provider).where('at', '<=', window).execute();
        const row = await trx
          .selectFrom('provider_calls')
          .select([
            sql<number>`count(*)::int`.as('n'),
            sql<number | null>`extract(epoch from (min(at) + make_interval(secs => ${windowMs / 1_000}) - clock_timestamp())) * 1000`.as('wait'),
          ])
          .where('provider', '=', provider)
          .executeTakeFirstOrThrow();
        if (Number(row.n) >= limit) return { ok: false, waitMs: Math.max(1, Math.ceil(Number(row.wait ?? 1))) };
        await trx.insertInto('provider_calls').values({ provider, at: sql<Date>`clock_timestamp()` }).execute();
        return { ok: true };
      });
    },

    /** Takes one of `max` concurrency leases; expired leases (a crashed worker's) are freed first. */
    async takeLease(provider: string, id: string, max: number, ttlMs: number): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        await lock(provider).execute(trx);
        await trx.deleteFrom('provider_leases').where('provider', '=', provider).where('expires_at', '<=', sql<Date>`clock_timestamp()`).execute();
        const row = await trx
          .selectFrom('provider_leases')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('provider', '=', provider)
          .executeTakeFirstOrThrow();
        if (Number(row.n) >= max) return false;
        await trx
          .insertInto('provider_leases')
          .values({ id, provider, expires_at: sql<Date>`clock_timestamp() + make_interval(secs => ${ttlMs / 1_000})` })
          .execute();
        return true;
      });
    },

    async releaseLease(id: string): Promise<void> {
      await db.deleteFrom('provider_leases').where('id', '=', id).execute();
    },
  };
}
export type ProviderLimitsRepo = ReturnType<typeof createProviderLimitsRepo>;
