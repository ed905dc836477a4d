import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Client } from '@temporalio/client';
import { closeServer, listen } from '../api/server';
import { createAccountsRepo } from '../db/accounts-repo';
import { ensureEmbeddedAdminKey } from '../bootstrap/embedded-admin-key';
import { startDevTemporal, type DevTemporal } from '../runtime/dev-temporal';
import { createLogger } from '../runtime/logger';
import { installTemporalRuntime } from '../runtime/temporal-sdk-runtime';
import { loadConfigOrExit, onShutdown } from '../runtime/process';
import { openServices } from '../bootstrap/services';
import { ensureRetentionSchedule } from '../runtime/retention-schedule';
import { ensureHealthSchedule } from '../runtime/health-schedule';
import { parseAlertSettings } from '../domain/alert-settings';
import { connectClient, connectWorker } from '../runtime/temporal';
import { createAppFor, startWorkers, startWorkflowOutbox } from '../bootstrap/wiring';

/**
 * The embedded stack in one process: a Temporal dev server (unless TEMPORAL_ADDRESS is set),
 * the database (PGlite unless DATABASE_URL is set), local storage, the worker and the API.
 */
export async function runDev(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL, 'genflow', config.LOG_FORMAT ?? 'pretty');
  const runtime = await installTemporalRuntime({ logger, ...(config.GENFLOW_TEMPORAL_METRICS_ADDRESS ? { metricsAddress: config.GENFLOW_TEMPORAL_METRICS_ADDRESS } : {}) });
  mkdirSync(resolve(config.GENFLOW_HOME), { recursive: true });

  let devTemporal: DevTemporal | undefined;
  if (!config.TEMPORAL_ADDRESS) {
    logger.info('starting the Temporal dev server');
    devTemporal = await startDevTemporal(config, logger, (err) => {
      logger.fatal({ err }, 'genflow cannot run without Temporal: exiting');
      process.exit(1);
    });
  }
  const address = config.TEMPORAL_ADDRESS ?? devTemporal!.address;

  const services = await openServices(config, logger, runtime);
  const workerConnection = await connectWorker(address, config);
  const workers = await startWorkers(config, services, workerConnection, logger);

  const clientConnection = await connectClient(address, config);
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const retention = await ensureRetentionSchedule(temporal, { taskQueue: config.GENFLOW_TASK_QUEUE, retentionDays: config.GENFLOW_RETENTION_DAYS });
  logger.info({ retention, retentionDays: config.GENFLOW_RETENTION_DAYS }, 'media retention schedule');
  const alertSettings = parseAlertSettings(process.env);
  const health = await ensureHealthSchedule(temporal, { taskQueue: config.GENFLOW_TASK_QUEUE, every: alertSettings.healthInterval, scheduleId: alertSettings.healthScheduleId });
  logger.info({ health, every: alertSettings.healthInterval }, 'provider health schedule');
  const newAdminKey = await ensureEmbeddedAdminKey(createAccountsRepo(services.db.db), config.GENFLOW_ADMIN_API_KEY);
  const outbox = startWorkflowOutbox(config, services, temporal, logger);
  const app = createAppFor(config, services, temporal, logger, outbox);
  const server = await listen(app, config.PORT, config.HOST);
  const port = (server.address() as AddressInfo).port;

  onShutdown(logger, async () => {
    try {
      await closeServer(server);
      await outbox.stop();
      workers.shutdown();
      await workers.running;
      await clientConnection.close();
      await workerConnection.close();
      await services.close();
    } finally {
      // Whatever failed above, the embedded server must not outlive us.
      await devTemporal?.stop();
    }
  });

  process.stdout.write(
    [
      '',
      `  genflow API   http://${config.HOST}:${port}`,
      `  metrics       http://${config.HOST}:${port}/metrics  (readiness: /health/ready)`,
      devTemporal ? `  Temporal UI   ${devTemporal.uiUrl}` : `  Temporal      ${address} (external)`,
      `  data          ${resolve(config.GENFLOW_HOME)} (${services.db.kind})`,
      ...(newAdminKey
        ? [
            '',
            `  admin API key ${newAdminKey}`,
            '                shown this once and stored only as a hash: keep it now',
            '                (use it as Authorization: Bearer <key>; README "Authentication")',
          ]
        : []),
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
  await workers.running;
}
