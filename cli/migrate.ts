import type { Kysely } from 'kysely';
import { openDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { loadConfigOrExit } from '../runtime/process';

export async function runMigrate(): Promise<void> {
  const config = loadConfigOrExit();
  const handle = await openDatabase({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    home: config.GENFLOW_HOME,
  });
  try {
    const applied = await migrateToLatest(handle.db as Kysely<unknown>);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await handle.close();
  }
}
