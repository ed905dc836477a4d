import type { Client } from '@temporalio/client';
import express, { type Express, type Request } from 'express';
import type { Logger } from 'pino';
import type { GenerationsRepo } from '../db/generations-repo';
import type { Storage } from '../media/storage/types';
import { errorHandler, notFoundHandler } from './errors';
import { createGenerationService } from './generation-service';
import { multipartGenerationBody } from './multipart';
import { assetRoutes } from './routes/assets';
import { generationDeleteRoutes } from './routes/generation-delete';
import { generationRoutes } from './routes/generations';
import { healthRoutes } from './routes/health';
import { modelRoutes } from './routes/models';

export interface AppDeps {
  repo: GenerationsRepo;
  storage: Storage;
  temporal: Client;
  logger: Logger;
  bodyLimit: string;
  /** Base of the URLs handed to clients; without it, derived from the request's Host. */
  publicUrl?: string;
  taskQueue?: string;
  /** TEST ONLY: lets loopback input URLs through the API's early check. */
  allowLoopbackInputs?: boolean;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: deps.bodyLimit }));
  app.use(multipartGenerationBody(deps.bodyLimit));

  const baseUrl = (req: Request) => deps.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
  const service = createGenerationService({
    repo: deps.repo,
    temporal: deps.temporal,
    logger: deps.logger,
    ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
    ...(deps.allowLoopbackInputs ? { allowLoopbackInputs: true } : {}),
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
  app.use(generationRoutes({ repo: deps.repo, service, baseUrl }));
  app.use(assetRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(generationDeleteRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
