import { sql, type Kysely } from 'kysely';

/**
 * Custom HTTP providers declared over the API (`PUT /v1/custom-providers/:id`), next to those
 * of the `GENFLOW_CUSTOM_PROVIDERS` file. The declaration is stored as given (validated by
 * providers/custom/declaration.ts) and holds no secret: keys go through the provider-config API,
 * sealed. `version` lets every process see a change at its next refresh.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('custom_providers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('declaration', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('custom_providers').execute();
}
