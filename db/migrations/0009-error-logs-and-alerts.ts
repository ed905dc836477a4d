import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per failed activity attempt (a failed provider call is one) and per failed
  // generation; what the alert rules and GET /v1/errors read.
  await db.schema
    .createTable('error_logs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('generation_id', 'text')
    .addColumn('provider', 'text')
    .addColumn('model', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The rules count a provider's failures over the last hour; the API pages newest first.
  await db.schema.createIndex('error_logs_provider_created_idx').on('error_logs').columns(['provider', 'created_at']).execute();
  await db.schema.createIndex('error_logs_created_idx').on('error_logs').columns(['created_at']).execute();
  await db.schema.createIndex('error_logs_generation_idx').on('error_logs').columns(['generation_id']).execute();
  // The timeout and failure rules read the generations that finished in the last hour.
  await db.schema.createIndex('generations_completed_idx').on('generations').columns(['completed_at']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_by', 'text')
    .execute();
  // At most one unresolved alert per condition, even when two health runs race.
  await db.schema
    .createIndex('alerts_open_dedupe_idx')
    .on('alerts')
    .column('dedupe_key')
    .unique()
    .where(sql.ref('resolved_at'), 'is', null)
    .execute();
  await db.schema.createIndex('alerts_created_idx').on('alerts').columns(['created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alerts').execute();
  await db.schema.dropIndex('generations_completed_idx').execute();
  await db.schema.dropTable('error_logs').execute();
}
