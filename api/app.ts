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
import { requireAdmin } from './require-admin';
import { adminPageRoutes } from './routes/admin-page';
import { experimentRoutes } from './routes/experiments';
import { multipartGenerationBody } from './multipart';
import { assetRoutes } from './routes/assets';
import { generationDeleteRoutes } from './routes/generation-delete';
import { batchRoutes } from './routes/batches';
import { generationRoutes } from './routes/generations';
import { healthRoutes } from './routes/health';
import { modelRoutes } from './routes/models';
import { providerRoutes } from './routes/providers';
import { providerWebhookRoutes } from './routes/provider-webhooks';
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
  /** TEST ONLY: lets loopback input URLs through the API's early check. */
  allowLoopbackInputs?: boolean;
  /** GENFLOW_WEBHOOK_SECRET: signs client callbacks; `webhookUrl` is refused without it. */
  webhookSecret?: string;
  /** Provider settings and webhook secrets (`GENFLOW_<P>_WEBHOOK_SECRET`); default process.env. */
  env?: Record<string, string | undefined>;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Registered first: the general parser skips a body that is already parsed.
  app.use('/v1/batches', express.json({ limit: deps.batchBodyLimit ?? '32mb' }));
  // Provider signatures cover the exact bytes, so webhooks keep their raw body.
  app.use('/v1/webhooks', express.raw({ type: () => true, limit: '1mb' }));
  app.use(express.json({ limit: deps.bodyLimit }));
  app.use(multipartGenerationBody(deps.bodyLimit));

  const baseUrl = (req: Request) => deps.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
  const service = createGenerationService({
    repo: deps.repo,
    temporal: deps.temporal,
    logger: deps.logger,
    ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
    ...(deps.modelSelection ? { modelSelection: deps.modelSelection } : {}),
    ...(deps.allowLoopbackInputs ? { allowLoopbackInputs: true } : {}),
    ...(deps.webhookSecret ? { webhookSecret: deps.webhookSecret } : {}),
    ...(deps.env ? { env: deps.env } : {}),
    storage: deps.storage,
  });

  app.use(
    healthRoutes({
      database: () => deps.repo.ping(),
      temporal: async () => {
        await deps.temporal.connection.workflowService.getSystemInfo({});
      },
      storage: () => deps.storage.ping(),
    }),
  );
  app.use(modelRoutes());
  if (deps.providers) app.use(providerRoutes({ providers: deps.providers }));
  const experiments = deps.experiments
    ? createExperimentService({ experiments: deps.experiments, temporal: deps.temporal, logger: deps.logger, ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}) })
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
        ...(deps.webhookSecret ? { webhookSecret: deps.webhookSecret } : {}),
        ...(deps.allowLoopbackInputs ? { allowLoopbackWebhooks: true } : {}),
      }),
    }),
  );
  app.use(providerWebhookRoutes({ repo: deps.repo, temporal: deps.temporal, logger: deps.logger, ...(deps.providers ? { providers: deps.providers } : {}), ...(deps.env ? { env: deps.env } : {}) }));
  app.use(assetRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(generationDeleteRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
