import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';
import { migrateToLatest } from './migrate';
import { lockDataDir } from './pid-lock';

export interface DbOptions {
  /** A postgres:// URL; without it the embedded PGlite under `home` is used. */
  databaseUrl?: string;
  home: string;
  poolSize?: number;
}

export interface DbHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

// int8 (e.g. asset sizes) as a JS number: sizes stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(options: DbOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    // A bounded connect: with the server unreachable, callers get an error (the API a 503) rather
    // than waiting forever for a connection.
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, connectionTimeoutMillis: 5_000 });
    // An idle client losing its server (restart, network) must not crash the process.
    pool.on('error', () => undefined);
    // Nor may a checked-out one: the pool listens only to idle clients, and a client's 'error'
    // without a listener is an uncaught exception. Its queries still reject, so callers see it.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const dir = resolve(options.home, 'pgdata');
  mkdirSync(dir, { recursive: true });
  // Loaded lazily: the WASM build costs memory and start-up time that Postgres users never need.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('./pglite-dialect');
  const unlock = lockDataDir(dir);
  const pglite = await PGlite.create(dir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      unlock();
    },
  };
}

export async function openAndMigrate(options: DbOptions): Promise<DbHandle> {
  const handle = await openDatabase(options);
  await migrateToLatest(handle.db as Kysely<unknown>);
  return handle;
}

export function mediaDirFor(home: string, override?: string): string {
  return override ? resolve(override) : join(resolve(home), 'media');
}
