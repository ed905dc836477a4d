import { sql, type Kysely } from 'kysely';

/**
 * What the batch workflow hands each item's child workflow: the input and search attributes
 * built at submit by the one submission path (api/submission.ts), exactly as a single
 * generation's outbox entry carries them, so fallbacks, prompt enhancement and search
 * attributes reach batch items too. `depends_on` lists the input images that are another
 * item's output (`{ "fromItem": n }`), filled in when that item has succeeded.
 * Items of batches accepted before this migration have no row; their input is rebuilt from
 * the generation row, as it was then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('batch_item_starts')
    .addColumn('generation_id', 'text', (c) => c.primaryKey().references('generations.id').onDelete('cascade'))
    .addColumn('input', 'jsonb', (c) => c.notNull())
    .addColumn('search_attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('depends_on', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('batch_item_starts').execute();
}
