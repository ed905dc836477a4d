import { sql, type Kysely } from 'kysely';

/**
 * Browser sign-in sessions of the web pages (api/session.ts). The cookie holds a random id; only
 * its SHA-256 is stored, with the key it stands for, so any API process can check it and a copy
 * of the table signs nobody in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('browser_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    // The api_keys row (or the bootstrap admin id) and the key's hash: a revoked or rotated key ends its sessions.
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('browser_sessions_expires_at').on('browser_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('browser_sessions').execute();
}
