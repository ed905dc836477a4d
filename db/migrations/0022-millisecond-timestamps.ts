import { sql, type Kysely } from 'kysely';

/**
 * List cursors carry `created_at` as a JavaScript time (milliseconds), but `now()` stores
 * microseconds: rows made within the same millisecond as a page's last row fell between the
 * cursor and the row and were skipped on the next page. Storing milliseconds makes the cursor
 * exact. `timestamptz(3)` rounds existing values once (the table is rewritten) and every new one.
 * Studio tables (0018) were created this way.
 */
const TABLES = ['generations', 'batches', 'alerts', 'experiments'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`alter table ${sql.table(table)} alter column created_at type timestamptz(3)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`alter table ${sql.table(table)} alter column created_at type timestamptz`.execute(db);
  }
}
