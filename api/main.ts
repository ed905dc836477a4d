import { Client } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { createAccountsRepo } from '../db/accounts-repo';
import { createLogger } from '../runtime/logger';
import { loadConfigOrExit, onShutdown, requireSharedDatabase } from '../runtime/process';
import { openServices } from '../bootstrap/services';
import { connectClient } from '../runtime/temporal';
import { createAppFor, startWorkflowOutbox } from '../bootstrap/wiring';
import { closeServer, listen } from './server';

/** The API as its own process (production): Temporal and Postgres are external. */
const config = loadConfigOrExit(requireSharedDatabase);
const logger = createLogger(config.LOG_LEVEL, 'genflow-api', config.LOG_FORMAT);
const services = await openServices(config, logger);
const connection = await connectClient(config.TEMPORAL_ADDRESS ?? 'localhost:7233', config);
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
if (!config.GENFLOW_ADMIN_API_KEY && !(await createAccountsRepo(services.db.db).hasActiveAdminKey())) {
  logger.warn('no admin API key: set GENFLOW_ADMIN_API_KEY, or no one can create API keys (README "Authentication")');
}
// Starts the workflows of accepted submits (this process's at once, others' at each poll).
const outbox = startWorkflowOutbox(config, services, temporal, logger);
const app = createAppFor(config, services, temporal, logger, outbox);
const server = await listen(app, config.PORT, config.HOST);
logger.info({ port: (server.address() as AddressInfo).port }, 'genflow API listening');
onShutdown(logger, async () => {
  await closeServer(server);
  await outbox.stop();
  await connection.close();
  await services.close();
});
