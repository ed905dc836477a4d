import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // What workers learned about each API key, so every process (and GET /v1/providers) sees it.
  // Keyed by a hash prefix of the key: the key itself is never stored here.
  await db.schema
    .createTable('provider_key_state')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('masked', 'text', (c) => c.notNull())
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('cooling_down_until', 'timestamptz')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error_message', 'text')
    .addColumn('last_error_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('provider_key_state_pk', ['provider', 'key_id'])
    .execute();

  await db.schema.alterTable('generations').addColumn('enhanced_prompt', 'text').execute();
  await db.schema
    .alterTable('generations')
    .addColumn('model_selected_by', 'text', (c) => c.notNull().defaultTo('request'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generations').dropColumn('model_selected_by').execute();
  await db.schema.alterTable('generations').dropColumn('enhanced_prompt').execute();
  await db.schema.dropTable('provider_key_state').execute();
}
