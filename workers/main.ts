import { createLogger } from '../runtime/logger';
import { installTemporalRuntime } from '../runtime/temporal-runtime';
import { loadConfigOrExit, onShutdown, requireSharedDatabase } from '../runtime/process';
import { openServices } from '../runtime/services';
import { Client } from '@temporalio/client';
import { ensureRetentionSchedule } from '../runtime/retention-schedule';
import { connectClient, connectWorker } from '../runtime/temporal';
import { createGenflowWorker } from './create-worker';
import { createProviderWorkers } from './provider-workers';

/** The worker as its own process (production): Temporal and Postgres are external. */
const config = loadConfigOrExit(requireSharedDatabase);
const logger = createLogger(config.LOG_LEVEL, 'genflow-worker');
installTemporalRuntime(config.LOG_LEVEL);
const services = await openServices(config, logger);
const connection = await connectWorker(config.TEMPORAL_ADDRESS ?? 'localhost:7233', config);
const worker = await createGenflowWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  deps: { repo: services.repo, storage: services.storage, providers: services.providers, logger, experiments: services.experiments },
  batches: services.batches,
  taskQueue: config.GENFLOW_TASK_QUEUE,
  maxConcurrentActivities: config.GENFLOW_WORKER_CONCURRENCY,
});
const providerWorkers = await createProviderWorkers({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  deps: { repo: services.repo, storage: services.storage, providers: services.providers, logger },
  env: process.env,
});
const running = Promise.all([worker.run(), ...providerWorkers.map((w) => w.run())]);
const clientConnection = await connectClient(config.TEMPORAL_ADDRESS ?? 'localhost:7233', config);
const retention = await ensureRetentionSchedule(new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE }), {
  taskQueue: worker.options.taskQueue,
  retentionDays: config.GENFLOW_RETENTION_DAYS,
});
logger.info({ retention, retentionDays: config.GENFLOW_RETENTION_DAYS }, 'media retention schedule');
onShutdown(logger, async () => {
  // shutdown() stops polling and lets in-flight activities finish before run() resolves.
  worker.shutdown();
  for (const w of providerWorkers) w.shutdown();
  await running;
  await clientConnection.close();
  await connection.close();
  await services.close();
});
logger.info({ taskQueue: worker.options.taskQueue }, 'genflow worker running');
await running;
