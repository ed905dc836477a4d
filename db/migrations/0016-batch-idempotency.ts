import type { Kysely } from 'kysely';

/**
 * Batches take an `Idempotency-Key` like single generations (scoped per owner), so a client
 * retrying a batch submit after a lost answer gets the same batch instead of a second one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('batches')
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('request_hash', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('batches').dropColumn('idempotency_key').dropColumn('request_hash').execute();
}
