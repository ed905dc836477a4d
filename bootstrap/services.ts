import type { Logger } from 'pino';
import type { Config } from '../domain/config';
import { openAndMigrate, type DbHandle } from '../db/connect';
import { createBatchesRepo, type BatchesRepo } from '../db/batches-repo';
import { createGenerationsRepo, type GenerationsRepo } from '../db/generations-repo';
import { createKeyStateRepo } from '../db/provider-key-state-repo';
import { createExperimentsRepo, type ExperimentsRepo } from '../db/experiments-repo';
import { createAlertsRepo, type AlertsRepo } from '../db/alerts-repo';
import { createErrorLogsRepo, type ErrorLogsRepo } from '../db/error-logs-repo';
import { storageFromConfig } from '../media/storage/from-config';
import type { Storage } from '../media/storage/types';
import { loadCustomProviders } from '../providers/custom/load';
import { resolveModelSelection, type ModelSelection } from '../providers/model-selection';
import { catalogueWith } from '../providers/registry';
import type { ModelCatalogue } from '../providers/catalogue';
import { createProviderLimitsRepo } from '../db/provider-limits-repo';
import { createProviderLimiter } from '../providers/limiter';
import { createProviderGateway, type ProviderGateway } from '../providers/provider-gateway';
import { createProviderConfigsRepo } from '../db/provider-configs-repo';
import { createCustomProvidersRepo, type CustomProvidersRepo } from '../db/custom-providers-repo';
import { createApiProviderSync, type ApiProviderSync } from '../providers/custom/api-sync';
import type { ProviderConfigStore } from '../providers/provider-config';
import { secretBoxFor } from '../providers/secret-key-file';
import { createMetrics, type GenflowMetrics } from '../runtime/metrics';

/** What both the API and the worker need: the database, storage and provider adapters. */
export interface Services {
  db: DbHandle;
  repo: GenerationsRepo;
  experiments: ExperimentsRepo;
  batches: BatchesRepo;
  errorLogs: ErrorLogsRepo;
  alerts: AlertsRepo;
  storage: Storage;
  providers: ProviderGateway;
  /** Provider settings made over the API (admin). */
  providerConfigs: ProviderConfigStore;
  modelSelection: ModelSelection;
  metrics: GenflowMetrics;
  /** Custom providers declared over the API, kept in step in this process by `sync`. */
  customProviders: { repo: CustomProvidersRepo; sync: ApiProviderSync };
  close(): Promise<void>;
}

/**
 * The catalogue (built-in providers plus the custom ones declared in GENFLOW_CUSTOM_PROVIDERS),
 * built once here and handed down; default models and the prompt enhancer are checked against
 * it. Both are settings: a mistake stops the process with a message naming the field.
 */
function configureProviders(config: Config): { catalogue: ModelCatalogue; modelSelection: ModelSelection } {
  try {
    const catalogue = catalogueWith(loadCustomProviders(config));
    return { catalogue, modelSelection: resolveModelSelection(config, catalogue) };
  } catch (err) {
    process.stderr.write(`genflow: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}

export async function openServices(config: Config, logger: Logger, options: { temporalMetricsUrl?: string } = {}): Promise<Services> {
  const { catalogue, modelSelection } = configureProviders(config);
  // Before the database: a bad storage setting fails without leaving a connection open.
  const storage = storageFromConfig(config);
  const db = await openAndMigrate({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    home: config.GENFLOW_HOME,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  logger.info({ database: db.kind }, 'database ready');
  // Providers declared over the API join the catalogue before anything looks a model up.
  const customProvidersRepo = createCustomProvidersRepo(db.db);
  const customProviderSync = createApiProviderSync({ source: customProvidersRepo, catalogue, logger });
  await customProviderSync.start();
  const providerConfigs = createProviderConfigsRepo(
    db.db,
    secretBoxFor({ secretKey: config.GENFLOW_SECRET_KEY, home: config.GENFLOW_HOME, embedded: !config.DATABASE_URL }),
  );
  // `observe` runs only when a call finishes, after both are built.
  const providers = createProviderGateway({
    catalogue,
    dataDir: config.GENFLOW_HOME,
    env: process.env,
    keyStates: createKeyStateRepo(db.db),
    onKeyStateError: (err) => logger.warn({ err }, 'provider key state could not be shared'),
    limiter: createProviderLimiter(createProviderLimitsRepo(db.db), process.env, catalogue),
    configs: providerConfigs,
    observe: (call) => metrics.providerCall(call),
  });
  const metrics = createMetrics({
    db: db.db,
    providers,
    logger,
    ...(options.temporalMetricsUrl ? { temporalMetricsUrl: options.temporalMetricsUrl } : {}),
  });
  return {
    db,
    repo: createGenerationsRepo(db.db),
    experiments: createExperimentsRepo(db.db),
    batches: createBatchesRepo(db.db),
    errorLogs: createErrorLogsRepo(db.db),
    alerts: createAlertsRepo(db.db),
    storage,
    providers,
    providerConfigs,
    modelSelection,
    metrics,
    customProviders: { repo: customProvidersRepo, sync: customProviderSync },
    close: () => {
      customProviderSync.stop();
      return db.close();
    },
  };
}
