import { createLogger } from '../runtime/logger';
import { installTemporalRuntime } from '../runtime/temporal-sdk-runtime';
import { loadConfigOrExit, onShutdown, requireSharedDatabase } from '../runtime/process';
import { openServices } from '../bootstrap/services';
import { Client } from '@temporalio/client';
import { ensureRetentionSchedule } from '../runtime/retention-schedule';
import { ensureHealthSchedule } from '../runtime/health-schedule';
import { parseAlertSettings } from '../domain/alert-settings';
import { connectClient, connectWorker } from '../runtime/temporal';
import { startWorkers, startWorkflowOutbox } from '../bootstrap/wiring';
import { serveMetrics } from '../runtime/metrics-server';

/** The worker as its own process (production): Temporal and Postgres are external. */
const config = loadConfigOrExit(requireSharedDatabase);
const logger = createLogger(config.LOG_LEVEL, 'genflow-worker', config.LOG_FORMAT);
// The SDK's metrics are proxied by this process's /metrics, which exists only with GENFLOW_METRICS_PORT.
const metricsAddress = config.GENFLOW_TEMPORAL_METRICS_ADDRESS ?? (config.GENFLOW_METRICS_PORT === undefined ? 'off' : undefined);
const runtime = await installTemporalRuntime({ logger, ...(metricsAddress ? { metricsAddress } : {}) });
const services = await openServices(config, logger, runtime);
const metricsServer = config.GENFLOW_METRICS_PORT === undefined ? undefined : await serveMetrics(services.metrics, config.GENFLOW_METRICS_PORT, config.HOST, config.GENFLOW_METRICS_TOKEN);
if (metricsServer) logger.info({ address: metricsServer.address() }, 'worker metrics at /metrics');
const connection = await connectWorker(config.TEMPORAL_ADDRESS ?? 'localhost:7233', config);
const workers = await startWorkers(config, services, connection, logger);
const clientConnection = await connectClient(config.TEMPORAL_ADDRESS ?? 'localhost:7233', config);
// Workers start accepted submits too, so starts keep flowing with every API process busy or gone.
const outbox = startWorkflowOutbox(config, services, new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE }), logger);
const retention = await ensureRetentionSchedule(new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE }), {
  taskQueue: workers.taskQueue,
  retentionDays: config.GENFLOW_RETENTION_DAYS,
});
logger.info({ retention, retentionDays: config.GENFLOW_RETENTION_DAYS }, 'media retention schedule');
const alertSettings = parseAlertSettings(process.env);
const health = await ensureHealthSchedule(new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE }), {
  taskQueue: workers.taskQueue,
  every: alertSettings.healthInterval,
  scheduleId: alertSettings.healthScheduleId,
});
logger.info({ health, every: alertSettings.healthInterval }, 'provider health schedule');
onShutdown(logger, async () => {
  metricsServer?.close();
  await outbox.stop();
  workers.shutdown();
  await workers.running;
  await clientConnection.close();
  await connection.close();
  await services.close();
});
logger.info({ taskQueue: workers.taskQueue }, 'genflow worker running');
await workers.running;
