import { sql, type Kysely } from 'kysely';

/**
 * Provider settings made over the API (`PUT /v1/providers/:id/config`); they override the
 * environment's. API keys are stored sealed with AES-256-GCM (providers/secret-box.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('provider_configs')
    .addColumn('provider', 'text', (c) => c.primaryKey())
    .addColumn('base_url', 'text')
    .addColumn('api_keys_sealed', 'text')
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('timeout_ms', 'integer')
    .addColumn('rate_limit', 'jsonb')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('provider_configs').execute();
}
