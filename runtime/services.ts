import type { Logger } from 'pino';
import type { Config } from '../domain/config';
import { openAndMigrate, type DbHandle } from '../db/connect';
import { createGenerationsRepo, type GenerationsRepo } from '../db/generations-repo';
import { storageFromConfig } from '../media/storage/from-config';
import type { Storage } from '../media/storage/types';
import { createProviderRuntime, type ProviderRuntime } from '../providers/runtime';

/** What both the API and the worker need: the database, storage and provider adapters. */
export interface Services {
  db: DbHandle;
  repo: GenerationsRepo;
  storage: Storage;
  providers: ProviderRuntime;
  close(): Promise<void>;
}

export async function openServices(config: Config, logger: Logger): Promise<Services> {
  // Before the database: a bad storage setting fails without leaving a connection open.
  const storage = storageFromConfig(config);
  const db = await openAndMigrate({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    home: config.GENFLOW_HOME,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  logger.info({ database: db.kind }, 'database ready');
  return {
    db,
    repo: createGenerationsRepo(db.db),
    storage,
    providers: createProviderRuntime({ dataDir: config.GENFLOW_HOME, env: process.env }),
    close: () => db.close(),
  };
}
