import { createLogger } from '../runtime/logger';
import { loadConfigOrExit, onShutdown, requireSharedDatabase } from '../runtime/process';
import { openServices } from '../runtime/services';
import { connectWorker } from '../runtime/temporal';
import { createGenflowWorker } from './create-worker';
import { createProviderWorkers } from './provider-workers';

/** The worker as its own process (production): Temporal and Postgres are external. */
const config = loadConfigOrExit(requireSharedDatabase);
const logger = createLogger(config.LOG_LEVEL, 'genflow-worker');
const services = await openServices(config, logger);
const connection = await connectWorker(config.TEMPORAL_ADDRESS ?? 'localhost:7233', config);
const worker = await createGenflowWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  deps: { repo: services.repo, storage: services.storage, providers: services.providers, logger },
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
onShutdown(logger, async () => {
  // shutdown() stops polling and lets in-flight activities finish before run() resolves.
  worker.shutdown();
  for (const w of providerWorkers) w.shutdown();
  await running;
  await connection.close();
  await services.close();
});
logger.info({ taskQueue: worker.options.taskQueue }, 'genflow worker running');
await running;
