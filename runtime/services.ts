import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../domain/config';
import { openAndMigrate, mediaDirFor, type DbHandle } from '../db/connect';
import { createGenerationsRepo, type GenerationsRepo } from '../db/generations-repo';
import { LocalDiskStorage } from '../media/storage/local-disk';
import type { Storage } from '../media/storage/types';
import { providers } from '../providers/registry';
import type { ProviderAdapter } from '../providers/types';

/** What both the API and the worker need: the database, storage and provider adapters. */
export interface Services {
  db: DbHandle;
  repo: GenerationsRepo;
  storage: Storage;
  adapterFor: (providerId: string) => ProviderAdapter;
  close(): Promise<void>;
}

export function createAdapterLookup(dataDir: string): (providerId: string) => ProviderAdapter {
  const adapters = new Map<string, ProviderAdapter>();
  return (providerId) => {
    let adapter = adapters.get(providerId);
    if (!adapter) {
      const provider = providers[providerId];
      if (!provider) throw new Error(`unknown provider '${providerId}'`);
      adapter = provider.createAdapter({ dataDir: resolve(dataDir, 'providers', providerId) });
      adapters.set(providerId, adapter);
    }
    return adapter;
  };
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
    storage,
    adapterFor: createAdapterLookup(config.GENFLOW_HOME),
    close: () => db.close(),
  };
}
