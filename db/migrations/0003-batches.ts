import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('max_concurrency', 'integer', (c) => c.notNull())
    .addColumn('stop_on_error', 'boolean', (c) => c.notNull())
    .addColumn('webhook_url', 'text')
    .addColumn('estimated_cost', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('actual_cost', 'double precision')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute();

  await db.schema
    .alterTable('generations')
    .addColumn('batch_id', 'text', (c) => c.references('batches.id').onDelete('cascade'))
    .addColumn('batch_index', 'integer')
    .addColumn('estimated_cost', 'double precision')
    .addColumn('cost', 'double precision')
    .execute();
  // Pages of a batch's items, and its counts by status, are read by this index alone.
  await db.schema
    .createIndex('generations_batch_idx')
    .on('generations')
    .columns(['batch_id', 'batch_index'])
    .unique()
    .where(sql.ref('batch_id'), 'is not', null)
    .execute();

  // Global provider limits (providers/limiter.ts): recent call times for the requests-per-second
  // window, and leases for concurrent calls. Shared by every worker through the database.
  await db.schema
    .createTable('provider_calls')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('provider_calls_provider_at_idx').on('provider_calls').columns(['provider', 'at']).execute();
  await db.schema
    .createTable('provider_leases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('provider_leases_provider_idx').on('provider_leases').columns(['provider', 'expires_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('provider_leases').execute();
  await db.schema.dropTable('provider_calls').execute();
  await db.schema.dropIndex('generations_batch_idx').execute();
  await db.schema
    .alterTable('generations')
    .dropColumn('batch_id')
    .dropColumn('batch_index')
    .dropColumn('estimated_cost')
    .dropColumn('cost')
    .execute();
  await db.schema.dropTable('batches').execute();
}
