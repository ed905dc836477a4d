import type { Client } from '@temporalio/client';
import express, { type Express, type Request } from 'express';
import type { Logger } from 'pino';
import type { BatchesRepo } from '../db/batches-repo';
import type { GenerationsRepo } from '../db/generations-repo';
import type { Storage } from '../media/storage/types';
import { errorHandler, notFoundHandler } from './errors';
import { createBatchService } from './batch-service';
import { createGenerationService } from './generation-service';
import { assetRoutes } from './routes/assets';
import { batchRoutes } from './routes/batches';
import { generationRoutes } from './routes/generations';
import { healthRoutes } from './routes/health';
import { modelRoutes } from './routes/models';

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
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Registered first: the general parser skips a body that is already parsed.
  app.use('/v1/batches', express.json({ limit: deps.batchBodyLimit ?? '32mb' }));
  app.use(express.json({ limit: deps.bodyLimit }));

  const baseUrl = (req: Request) => deps.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
  const service = createGenerationService({
    repo: deps.repo,
    temporal: deps.temporal,
    logger: deps.logger,
    ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
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
  app.use(generationRoutes({ repo: deps.repo, service, baseUrl }));
  app.use(
    batchRoutes({
      service: createBatchService({
        batches: deps.batches,
        temporal: deps.temporal,
        logger: deps.logger,
        ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
        ...(deps.batchChildrenPerRun ? { childrenPerRun: deps.batchChildrenPerRun } : {}),
      }),
    }),
  );
  app.use(assetRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
