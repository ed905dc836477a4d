import { sql, type Kysely } from 'kysely';

/**
 * Accounts: API keys (stored as hashes), per-key request counters for the rate limit, the
 * money ledger, and the owner of every generation and batch.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // sha256 of the key; the key itself is never stored.
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    // The key's first characters, so a list can tell keys apart without revealing them.
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    // Budgets in micro-USD (integers, so sums are exact); null = no limit.
    .addColumn('budget_daily_micros', 'bigint')
    .addColumn('budget_monthly_micros', 'bigint')
    .addColumn('budget_total_micros', 'bigint')
    // Per-key overrides of the env defaults; null = the default.
    .addColumn('requests_per_minute', 'integer')
    .addColumn('max_concurrent_generations', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  // Fixed one-minute windows per key, shared by every API process through the database.
  await db.schema
    .createTable('api_key_requests')
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_key_requests_pk', ['key_id', 'window_start'])
    .execute();

  // One row per generation: the primary key is what makes settle/release happen at most once.
  await db.schema
    .createTable('usage_ledger')
    .addColumn('generation_id', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    // 'reserved' → 'settled' (succeeded) or 'released' (failed, canceled)
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reserved_micros', 'bigint', (c) => c.notNull())
    .addColumn('settled_micros', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('usage_ledger_key_idx').on('usage_ledger').columns(['key_id', 'created_at']).execute();
  await db.schema.createIndex('usage_ledger_owner_idx').on('usage_ledger').columns(['owner', 'created_at']).execute();

  await db.schema.alterTable('generations').addColumn('owner', 'text').addColumn('api_key_id', 'text').execute();
  await db.schema.alterTable('batches').addColumn('owner', 'text').addColumn('api_key_id', 'text').execute();
  // A user's list (newest first) and a key's count of unfinished generations.
  await db.schema.createIndex('generations_owner_created_idx').on('generations').columns(['owner', 'created_at']).execute();
  await db.schema
    .createIndex('generations_key_active_idx')
    .on('generations')
    .column('api_key_id')
    .where(sql.ref('status'), 'in', ['queued', 'running'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('generations_key_active_idx').execute();
  await db.schema.dropIndex('generations_owner_created_idx').execute();
  await db.schema.alterTable('batches').dropColumn('owner').dropColumn('api_key_id').execute();
  await db.schema.alterTable('generations').dropColumn('owner').dropColumn('api_key_id').execute();
  await db.schema.dropTable('usage_ledger').execute();
  await db.schema.dropTable('api_key_requests').execute();
  await db.schema.dropTable('api_keys').execute();
}
