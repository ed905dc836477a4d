import type { Client } from '@temporalio/client';
import express, { type Express, type Request } from 'express';
import type { Logger } from 'pino';
import type { ExperimentsRepo } from '../db/experiments-repo';
import type { BatchesRepo } from '../db/batches-repo';
import type { GenerationsRepo } from '../db/generations-repo';
import type { Storage } from '../media/storage/types';
import type { ModelSelection } from '../providers/model-selection';
import type { ProviderRuntime } from '../providers/runtime';
import { errorHandler, notFoundHandler } from './errors';
import { createExperimentService } from './experiment-service';
import { createBatchService } from './batch-service';
import { createGenerationService } from './generation-service';
import type { GenflowMetrics } from '../runtime/metrics';
import { httpMetrics, metricsRoutes } from './http-metrics';
import { requestLogging } from './request-logging';
import { createSearchAttributes } from './search-attributes';
import { requireAdmin } from './require-admin';
import { adminPageRoutes } from './routes/admin-page';
import { experimentRoutes } from './routes/experiments';
import { multipartGenerationBody } from './multipart';
import { assetRoutes } from './routes/assets';
import { generationDeleteRoutes } from './routes/generation-delete';
import { batchRoutes } from './routes/batches';
import { generationRoutes } from './routes/generations';
import { healthRoutes } from './routes/health';
import { providerReadiness } from './provider-readiness';
import { modelRoutes } from './routes/models';
import { providerRoutes } from './routes/providers';
import { ratingRoutes } from './routes/ratings';

export interface AppDeps {
  repo: GenerationsRepo;
  batches: BatchesRepo;
  storage: Storage;
  temporal: Client;
  logger: Logger;
  bodyLimit: string;
  /** Body limit of `POST /v1/batches` (up to 10,000 requests); default 32mb. */
  batchBodyLimit?: string;
  /** Children per batch workflow run (tests lower it to cross continue-as-new quickly). */
  batchChildrenPerRun?: number;
  /** Base of the URLs handed to clients; without it, derived from the request's Host. */
  publicUrl?: string;
  taskQueue?: string;
  /** For `GET /v1/providers`; the route is absent without it. */
  providers?: ProviderRuntime;
  modelSelection?: ModelSelection;
  /** Enables experiments (API, page, allocation of generations, ratings). */
  experiments?: ExperimentsRepo;
  /** Guards the admin API and page; defaults to GENFLOW_ADMIN_API_KEY (unset: open). */
  adminApiKey?: string;
  /** Serves GET /metrics and counts requests; absent, neither. */
  metrics?: GenflowMetrics;
  /** TEST ONLY: lets loopback input URLs through the API's early check. */
  allowLoopbackInputs?: boolean;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogging(deps.logger));
  if (deps.metrics) {
    app.use(httpMetrics(deps.metrics));
    app.use(metricsRoutes(deps.metrics));
  }
  // Registered first: the general parser skips a body that is already parsed.
  app.use('/v1/batches', express.json({ limit: deps.batchBodyLimit ?? '32mb' }));
  app.use(express.json({ limit: deps.bodyLimit }));
  app.use(multipartGenerationBody(deps.bodyLimit));

  // Checked now, so a namespace without them is reported at start rather than at the first submit.
  const searchAttributes = createSearchAttributes(deps.temporal, deps.logger);
  searchAttributes.warmUp();
  const baseUrl = (req: Request) => deps.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
  const service = createGenerationService({
    repo: deps.repo,
    temporal: deps.temporal,
    logger: deps.logger,
    ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
    ...(deps.modelSelection ? { modelSelection: deps.modelSelection } : {}),
    ...(deps.allowLoopbackInputs ? { allowLoopbackInputs: true } : {}),
    storage: deps.storage,
    searchAttributes,
  });

  app.use(
    healthRoutes({
      checks: {
        database: () => deps.repo.ping(),
        temporal: async () => {
          await deps.temporal.connection.workflowService.getSystemInfo({});
        },
        storage: () => deps.storage.ping(),
      },
      ...(deps.providers ? { providers: providerReadiness(deps.providers) } : {}),
      admin: requireAdmin(deps.adminApiKey ?? process.env.GENFLOW_ADMIN_API_KEY),
    }),
  );
  app.use(modelRoutes());
  if (deps.providers) app.use(providerRoutes({ providers: deps.providers }));
  const experiments = deps.experiments
    ? createExperimentService({ experiments: deps.experiments, temporal: deps.temporal, logger: deps.logger, searchAttributes, ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}) })
    : undefined;
  if (deps.experiments && experiments) {
    const admin = requireAdmin(deps.adminApiKey ?? process.env.GENFLOW_ADMIN_API_KEY);
    app.use(experimentRoutes({ experiments: deps.experiments, service: experiments, admin }));
    app.use(ratingRoutes({ repo: deps.repo, experiments: deps.experiments, service: experiments }));
    app.use(adminPageRoutes(admin));
  }
  app.use(generationRoutes({ repo: deps.repo, service, baseUrl, ...(experiments ? { experiments } : {}) }));
  app.use(
    batchRoutes({
      service: createBatchService({
        batches: deps.batches,
        temporal: deps.temporal,
        logger: deps.logger,
        ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
        ...(deps.batchChildrenPerRun ? { childrenPerRun: deps.batchChildrenPerRun } : {}),
        searchAttributes,
      }),
    }),
  );
  app.use(assetRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(generationDeleteRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
