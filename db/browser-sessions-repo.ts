import { sql, type ColumnType, type Kysely } from 'kysely';
import type { Database } from './schema';

/** Declared here rather than in schema.ts: only this repository reads the table. */
interface BrowserSessionsTable {
  id_hash: string;
  key_id: string;
  key_hash: string;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
}

export interface BrowserSessionRow {
  idHash: string;
  keyId: string;
  keyHash: string;
  expiresAt: Date;
}

/** Sessions of the web pages, by the hash of their cookie's id (migration 0013). */
export function createBrowserSessionsRepo(database: Kysely<Database>) {
  const db = database.withTables<{ browser_sessions: BrowserSessionsTable }>();
  return {
    async insert(row: BrowserSessionRow): Promise<void> {
      await db
        .insertInto('browser_sessions')
        .values({ id_hash: row.idHash, key_id: row.keyId, key_hash: row.keyHash, expires_at: row.expiresAt })
        .execute();
    },

    /** The session if it exists and has not expired (by the database's clock, the same for every API process). */
    async find(idHash: string): Promise<BrowserSessionRow | undefined> {
      const row = await db
        .selectFrom('browser_sessions')
        .select(['id_hash', 'key_id', 'key_hash', 'expires_at'])
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', sql<Date>`now()`)
        .executeTakeFirst();
      return row && { idHash: row.id_hash, keyId: row.key_id, keyHash: row.key_hash, expiresAt: new Date(row.expires_at) };
    },

    async delete(idHash: string): Promise<void> {
      await db.deleteFrom('browser_sessions').where('id_hash', '=', idHash).execute();
    },

    /** Expired rows are useless; sign-ins sweep them so the table stays the size of the live sessions. */
    async deleteExpired(): Promise<void> {
      await db.deleteFrom('browser_sessions').where('expires_at', '<=', sql<Date>`now()`).execute();
    },
  };
}
export type BrowserSessionsRepo = ReturnType<typeof createBrowserSessionsRepo>;
