import type { Logger } from 'pino';
import type { Config } from '../domain/config';
import { openAndMigrate, mediaDirFor, type DbHandle } from '../db/connect';
import { createBatchesRepo, type BatchesRepo } from '../db/batches-repo';
import { createGenerationsRepo, type GenerationsRepo } from '../db/generations-repo';
import { LocalDiskStorage } from '../media/storage/local-disk';
import type { Storage } from '../media/storage/types';
import { createProviderLimitsRepo } from '../db/provider-limits-repo';
import { createProviderLimiter } from '../providers/limiter';
import { createProviderRuntime, type ProviderRuntime } from '../providers/runtime';

/** What both the API and the worker need: the database, storage and provider adapters. */
export interface Services {
  db: DbHandle;
  repo: GenerationsRepo;
  batches: BatchesRepo;
  storage: Storage;
  providers: ProviderRuntime;
  close(): Promise<void>;
}

export async function openServices(config: Config, logger: Logger): Promise<Services> {
  const db = await openAndMigrate({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    home: config.GENFLOW_HOME,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  logger.info({ database: db.kind }, 'database ready');
  const storage = new LocalDiskStorage(mediaDirFor(config.GENFLOW_HOME, config.GENFLOW_MEDIA_DIR));
  return {
    db,
    repo: createGenerationsRepo(db.db),
    batches: createBatchesRepo(db.db),
    storage,
    providers: createProviderRuntime({
      dataDir: config.GENFLOW_HOME,
      env: process.env,
      limiter: createProviderLimiter(createProviderLimitsRepo(db.db), process.env),
    }),
    close: () => db.close(),
  };
}
