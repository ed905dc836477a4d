import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from '../api/app';
import { parseAlertSettings } from '../domain/alert-settings';
import { createAccountsRepo } from '../db/accounts-repo';
import { createBrowserSessionsRepo } from '../db/browser-sessions-repo';
import { createStudioRepo } from '../db/studio-repo';
import type { Config } from '../domain/config';
import { createGenflowWorker } from '../workers/create-worker';
import { createProviderWorkers } from '../workers/provider-workers';
import type { GenflowActivityDeps } from '../activities/create-activities';
import type { Services } from './services';
import { prepareWorkflowBundle } from '../runtime/workflow-bundle';
import { join, resolve } from 'node:path';
import { createWorkflowOutbox, outboxSettings, type WorkflowOutbox } from '../runtime/workflow-outbox';

/** The Temporal Web UI the console links to: configured, or the embedded dev server's (HOST is where it listens too). */
function consoleTemporalUi(config: Config): string | undefined {
  if (config.GENFLOW_TEMPORAL_UI_URL) return config.GENFLOW_TEMPORAL_UI_URL;
  return config.TEMPORAL_ADDRESS ? undefined : `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`;
}

/** The dispatcher of workflow starts every API and worker process runs (started here, stopped by the caller). */
export function startWorkflowOutbox(config: Config, services: Services, temporal: Client, logger: Logger): WorkflowOutbox {
  const outbox = createWorkflowOutbox({ db: services.db.db, temporal, logger, settings: outboxSettings(config), taskQueues: [config.GENFLOW_TASK_QUEUE] });
  outbox.start();
  return outbox;
}

/** The API over the process's services: one place, so the API process and `genflow dev` agree. */
export function createAppFor(config: Config, services: Services, temporal: Client, logger: Logger, outbox: WorkflowOutbox): Express {
  return createApp({
    outbox,
    repo: services.repo,
    experiments: services.experiments,
    batches: services.batches,
    storage: services.storage,
    temporal,
    logger,
    bodyLimit: config.GENFLOW_BODY_LIMIT,
    batchBodyLimit: config.GENFLOW_BATCH_BODY_LIMIT,
    taskQueue: config.GENFLOW_TASK_QUEUE,
    providers: services.providers,
    providerConfigs: services.providerConfigs,
    customProviders: { repo: services.customProviders.repo, refresh: () => services.customProviders.sync.refresh() },
    modelSelection: services.modelSelection,
    monitoring: { errorLogs: services.errorLogs, alerts: services.alerts },
    accounts: createAccountsRepo(services.db.db),
    browserSessions: createBrowserSessionsRepo(services.db.db),
    studio: createStudioRepo(services.db.db),
    console: {
      cacheDir: join(resolve(config.GENFLOW_HOME), 'console-bundles'),
      temporalNamespace: config.TEMPORAL_NAMESPACE,
      ...(consoleTemporalUi(config) ? { temporalUiUrl: consoleTemporalUi(config) } : {}),
      // S3 outputs are served by presigned redirects to the bucket: the console's CSP must let them load.
      ...(config.GENFLOW_STORAGE === 's3' ? { mediaOrigins: [config.GENFLOW_S3_ENDPOINT ? new URL(config.GENFLOW_S3_ENDPOINT).origin : 'https://*.amazonaws.com'] } : {}),
    },
    ...(config.GENFLOW_ADMIN_API_KEY ? { adminApiKey: config.GENFLOW_ADMIN_API_KEY } : {}),
    keyLimits: { requestsPerMinute: config.GENFLOW_KEY_REQUESTS_PER_MINUTE, maxConcurrentGenerations: config.GENFLOW_KEY_MAX_CONCURRENT_GENERATIONS },
    metrics: services.metrics,
    ...(config.GENFLOW_PUBLIC_URL ? { publicUrl: config.GENFLOW_PUBLIC_URL } : {}),
    ...(config.GENFLOW_WEBHOOK_SECRET ? { webhookSecret: config.GENFLOW_WEBHOOK_SECRET } : {}),
  });
}

export interface RunningWorkers {
  taskQueue: string;
  /** Resolves once every worker has drained after `shutdown()`. */
  running: Promise<unknown>;
  shutdown(): void;
}

/** The generation worker plus one activity worker per rate-limited provider queue. */
export async function startWorkers(config: Config, services: Services, connection: NativeConnection, logger: Logger): Promise<RunningWorkers> {
  const deps: GenflowActivityDeps = {
    repo: services.repo,
    storage: services.storage,
    providers: services.providers,
    logger,
    // Async submits then carry a callback URL; client callbacks are signed with the secret.
    ...(config.GENFLOW_PUBLIC_URL ? { publicUrl: config.GENFLOW_PUBLIC_URL } : {}),
    ...(config.GENFLOW_WEBHOOK_SECRET ? { webhookSecret: config.GENFLOW_WEBHOOK_SECRET } : {}),
    errorLogs: services.errorLogs,
    metrics: services.metrics,
    experiments: services.experiments,
    batches: services.batches,
    env: process.env,
    health: {
      errorLogs: services.errorLogs,
      alerts: services.alerts,
      pingDatabase: () => services.repo.ping(),
      settings: parseAlertSettings(process.env),
    },
  };
  const workflowBundle = config.GENFLOW_WORKFLOW_BUNDLE ? { codePath: config.GENFLOW_WORKFLOW_BUNDLE } : await prepareWorkflowBundle(config.GENFLOW_HOME, logger);
  const worker = await createGenflowWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    deps,
    taskQueue: config.GENFLOW_TASK_QUEUE,
    ...(workflowBundle ? { workflowBundle } : {}),
    maxConcurrentActivities: config.GENFLOW_WORKER_CONCURRENCY,
    ...(config.GENFLOW_WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: config.GENFLOW_WORKER_MAX_CACHED_WORKFLOWS } : {}),
  });
  const providerWorkers = await createProviderWorkers({ connection, namespace: config.TEMPORAL_NAMESPACE, deps, env: process.env });
  const all = [worker, ...providerWorkers];
  return {
    taskQueue: worker.options.taskQueue,
    running: Promise.all(all.map((w) => w.run())),
    // shutdown() stops polling and lets in-flight activities finish before run() resolves.
    shutdown: () => all.forEach((w) => w.shutdown()),
  };
}
