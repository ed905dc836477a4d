import { sql, type Kysely } from 'kysely';

/**
 * Provider webhook deliveries already acted on, by a digest of the verified body and its
 * credential (callback token or signature): a captured delivery replayed changes nothing, in any
 * API process. Rows go with their generation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('generation_id', 'text', (c) => c.notNull().references('generations.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The cascade from a deleted generation finds its deliveries by this index.
  await db.schema.createIndex('webhook_deliveries_generation_idx').on('webhook_deliveries').column('generation_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
}
