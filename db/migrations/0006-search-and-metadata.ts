import { sql, type Kysely } from 'kysely';

/**
 * Prompt search tokens (see domain/search-tokens.ts) and client metadata, both under GIN
 * indexes: a containment query touches only the rows that have every token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('generations')
    .addColumn('search_tokens', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await sql`create index generations_search_tokens_idx on generations using gin (search_tokens)`.execute(db);
  await sql`create index generations_metadata_idx on generations using gin (metadata jsonb_path_ops)`.execute(db);
  await db.schema.createIndex('generations_model_created_idx').on('generations').columns(['model', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('generations_model_created_idx').execute();
  await sql`drop index generations_metadata_idx`.execute(db);
  await sql`drop index generations_search_tokens_idx`.execute(db);
  await db.schema.alterTable('generations').dropColumn('metadata').dropColumn('search_tokens').execute();
}
