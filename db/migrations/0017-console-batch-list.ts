import type { Kysely } from 'kysely';

/**
 * `GET /v1/batches` (the console's batch list) walks batches newest first, for one owner or
 * for everyone: both walks read an index instead of sorting the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('batches_created_idx').on('batches').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('batches_owner_created_idx').on('batches').columns(['owner', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('batches_owner_created_idx').execute();
  await db.schema.dropIndex('batches_created_idx').execute();
}
