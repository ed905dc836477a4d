import type { Client } from '@temporalio/client';
import express, { type Express, type Request, type RequestHandler } from 'express';
import { ApiKeyRole } from '../domain/accounts';
import { BatchLimits } from '../domain/batch';
import { GenflowError } from '../domain/errors';
import type { Logger } from 'pino';
import type { AccountsRepo } from '../db/accounts-repo';
import type { ExperimentsRepo } from '../db/experiments-repo';
import type { BatchesRepo } from '../db/batches-repo';
import type { StudioRepo } from '../db/studio-repo';
import type { GenerationsRepo } from '../db/generations-repo';
import type { AlertsRepo } from '../db/alerts-repo';
import type { ErrorLogsRepo } from '../db/error-logs-repo';
import type { Storage } from '../media/storage/types';
import type { ModelSelection } from '../providers/model-selection';
import type { ProviderGateway } from '../providers/provider-gateway';
import { errorHandler, notFoundHandler } from './errors';
import { createExperimentService } from './experiment-service';
import { createBatchService } from './batch-service';
import { createGenerationService, type SubmitOutbox } from './generation-service';
import { adminOnly, createAuthenticator } from './auth';
import type { GenflowMetrics } from '../runtime/metrics';
import { httpMetrics, metricsRoutes } from './http-metrics';
import { requestLogging } from './request-logging';
import { JSON_LIMITS, jsonBodyLimits } from './validate';
import { createSearchAttributes } from '../runtime/search-attributes';
import { ADMIN_PAGE_API_ROUTES, ADMIN_PAGE_HOME, adminPageRoutes } from './routes/admin-page';
import { createBrowserSessions, trustProxySetting } from './session';
import { sessionRoutes } from './session-routes';
import type { BrowserSessionsRepo } from '../db/browser-sessions-repo';
import { alertRoutes } from './routes/alerts';
import { apiKeyRoutes } from './routes/api-keys';
import { experimentRoutes } from './routes/experiments';
import { bodyLimitBytes, multipartGenerationBody } from './multipart';
import { openAiErrorHandler, openAiImageRoutes } from './routes/openai-images';
import { openApiRoutes } from './routes/openapi';
import { BUILT_IN_DEFAULT_MODELS } from '../providers/model-selection';
import { builtInCatalogue } from '../providers/registry';
import { assetRoutes } from './routes/assets';
import { thumbnailRoutes } from './routes/thumbnails';
import { CONSOLE_API_ROUTES, consoleRoutes, type ConsoleOptions } from './routes/console';
import { generationDeleteRoutes } from './routes/generation-delete';
import { batchRoutes } from './routes/batches';
import { generationRoutes } from './routes/generations';
import { studioRoutes } from './routes/studio';
import { createStudioAttach } from './studio-attach';
import { createStudioService } from './studio-service';
import { healthRoutes } from './routes/health';
import { providerReadiness } from './provider-readiness';
import { modelRoutes } from './routes/models';
import { createProviderAvailability } from './provider-availability';
import { createSubmitChecks } from './submit-checks';
import { providerRoutes } from './routes/providers';
import { providerConfigRoutes } from './routes/provider-config';
import { customProviderRoutes } from './routes/custom-providers';
import type { CustomProvidersRepo } from '../db/custom-providers-repo';
import type { ProviderConfigStore } from '../providers/provider-config';
import { providerWebhookRoutes } from './routes/provider-webhooks';
import { ratingRoutes } from './routes/ratings';
import { usageRoutes } from './routes/usage';

export interface AppDeps {
  repo: GenerationsRepo;
  batches: BatchesRepo;
  storage: Storage;
  temporal: Client;
  /** Submits record workflow starts here; the process's dispatcher makes them (runtime/workflow-outbox.ts). */
  outbox: SubmitOutbox;
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
  providers?: ProviderGateway;
  /** With `providers`: admin routes `/v1/providers/:id/config`. */
  providerConfigs?: ProviderConfigStore;
  /** Custom providers declared over the API, and the sync that loads them into this process. */
  customProviders?: { repo: CustomProvidersRepo; refresh: () => Promise<void> };
  modelSelection?: ModelSelection;
  /** Enables experiments (API, page, allocation of generations, ratings). */
  experiments?: ExperimentsRepo;
  /** API keys, per-key request counts and the usage ledger. */
  accounts: AccountsRepo;
  /** A bootstrap admin key accepted without a row; defaults to GENFLOW_ADMIN_API_KEY. */
  adminApiKey?: string;
  /** Enables `GET /v1/errors`, `GET /v1/alerts` and acknowledging alerts (admin). */
  monitoring?: { errorLogs: ErrorLogsRepo; alerts: AlertsRepo };
  /** Limits of user keys without overrides; defaults 600 requests/minute, 20 concurrent generations. */
  keyLimits?: { requestsPerMinute: number; maxConcurrentGenerations: number };
  /** How long `POST /v1/images/*` waits for its generation (default 5 minutes). */
  imagesWaitMs?: number;
  /** Serves GET /metrics and counts requests; absent, neither. */
  metrics?: GenflowMetrics;
  /** TEST ONLY: lets loopback input URLs through the API's early check. */
  allowLoopbackInputs?: boolean;
  /** GENFLOW_WEBHOOK_SECRET: signs client callbacks; `webhookUrl` is refused without it. */
  webhookSecret?: string;
  /** Provider settings and webhook secrets (`GENFLOW_<P>_WEBHOOK_SECRET`); default process.env. */
  env?: Record<string, string | undefined>;
  /** Browser sign-in of the pages (api/session.ts); without it the pages take header keys only. */
  browserSessions?: BrowserSessionsRepo;
  /** Enables the studio (`/v1/projects`…, and `frameId`/`shotId` on submits). */
  studio?: StudioRepo;
  /** The web console at /console (always served; these tune it, and given, its bundle is built at start). */
  console?: ConsoleOptions;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const env = deps.env ?? process.env;
  // Behind a TLS-terminating proxy: X-Forwarded-Proto/Host tell the session cookie and Origin check the truth.
  if (env.GENFLOW_TRUST_PROXY) app.set('trust proxy', trustProxySetting(env.GENFLOW_TRUST_PROXY));
  app.use(requestLogging(deps.logger));
  if (deps.metrics) {
    app.use(httpMetrics(deps.metrics));
    app.use(metricsRoutes(deps.metrics, env.GENFLOW_METRICS_TOKEN));
  }
  const sessions = deps.browserSessions
    ? createBrowserSessions({ repo: deps.browserSessions, apiRoutes: [...ADMIN_PAGE_API_ROUTES, ...CONSOLE_API_ROUTES], ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}) })
    : undefined;
  // Before the body parsers: a request without a valid key is refused before its body is read.
  const auth = createAuthenticator({
    ...(sessions ? { sessions } : {}),
    accounts: deps.accounts,
    ...((deps.adminApiKey ?? process.env.GENFLOW_ADMIN_API_KEY) ? { adminApiKey: deps.adminApiKey ?? process.env.GENFLOW_ADMIN_API_KEY } : {}),
    defaults: deps.keyLimits ?? { requestsPerMinute: 600, maxConcurrentGenerations: 20 },
  });
  app.use(auth.middleware);
  // /health is public, so no caller is known there: its detailed form checks the key itself.
  const healthAdmin: RequestHandler = async (req, _res, next) => {
    // The console's operations view asks with the browser session; scripts with a header key.
    if ((await auth.browserPrincipal(req)).principal.role !== ApiKeyRole.admin) throw new GenflowError('FORBIDDEN', 'the detailed readiness report needs an admin API key');
    next();
  };
  // Registered first: the general parser skips a body that is already parsed.
  app.use('/v1/batches', express.json({ limit: deps.batchBodyLimit ?? '32mb' }), jsonBodyLimits({ ...JSON_LIMITS, maxNodes: BatchLimits.maxItems * 100 }));
  // Provider signatures cover the exact bytes, so webhooks keep their raw body.
  app.use('/v1/webhooks', express.raw({ type: () => true, limit: '1mb' }));
  app.use(express.json({ limit: deps.bodyLimit }));
  app.use(multipartGenerationBody(deps.bodyLimit));
  // Depth, size and text of every JSON body, before any route walks or parses it.
  app.use(jsonBodyLimits());

  // Checked now, so a namespace without them is reported at start rather than at the first submit.
  const searchAttributes = createSearchAttributes(deps.temporal, deps.logger);
  searchAttributes.warmUp();
  // The models this process serves (built-in and custom): built once at start, they come with the
  // model selection that was checked against them; without one, the built-in providers.
  const catalogue = deps.modelSelection?.catalogue ?? builtInCatalogue;
  const baseUrl = (req: Request) => deps.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
  // Whether each provider has keys: /v1/models shows it, and a submit to one without is refused at once.
  const availability = createProviderAvailability({ env: deps.env ?? process.env, catalogue, ...(deps.providerConfigs ? { configs: deps.providerConfigs } : {}) });
  // Admin-set parameter defaults per model reach every submit path through the same lookup.
  const modelDefaults = () => availability.modelDefaults();
  const checks = createSubmitChecks({
    availability,
    modelDefaults,
    ...(deps.modelSelection ? { modelSelection: deps.modelSelection } : {}),
    ...(deps.webhookSecret ? { webhookSecret: deps.webhookSecret } : {}),
    ...(deps.allowLoopbackInputs ? { allowLoopbackInputs: true } : {}),
    storage: deps.storage,
  });
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
    outbox: deps.outbox,
    modelDefaults,
    requireProvider: checks.requireProvider,
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
      admin: healthAdmin,
    }),
  );
  app.use(modelRoutes({ catalogue, availability }));
  // Provider state and configuration are the operator's business.
  app.use('/v1/providers', adminOnly);
  if (deps.providers) app.use(providerRoutes({ providers: deps.providers }));
  if (deps.providers && deps.providerConfigs) {
    app.use(providerConfigRoutes({ store: deps.providerConfigs, gateway: deps.providers, admin: adminOnly, ...(deps.env ? { env: deps.env } : {}) }));
  }
  if (deps.customProviders) {
    app.use(customProviderRoutes({ ...deps.customProviders, catalogue, admin: adminOnly, ...(deps.env ? { env: deps.env } : {}) }));
  }
  app.use(apiKeyRoutes({ accounts: deps.accounts }));
  app.use(usageRoutes({ accounts: deps.accounts }));
  const experiments = deps.experiments
    ? createExperimentService({ experiments: deps.experiments, temporal: deps.temporal, logger: deps.logger, searchAttributes, catalogue, ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}) })
    : undefined;
  if (deps.experiments && experiments) {
    app.use(experimentRoutes({ experiments: deps.experiments, service: experiments, admin: adminOnly }));
    app.use(ratingRoutes({ repo: deps.repo, experiments: deps.experiments, service: experiments }));
    app.use(adminPageRoutes(auth));
  }
  if (sessions) app.use(sessionRoutes({ sessions, auth, home: ADMIN_PAGE_HOME }));
  const webConsole = consoleRoutes({ auth, logger: deps.logger, ...(deps.console ? { options: deps.console } : {}) });
  app.use(webConsole.router);
  if (deps.console) webConsole.warmUp();
  if (deps.monitoring) app.use(alertRoutes({ ...deps.monitoring, admin: adminOnly }));
  const studio = deps.studio ? createStudioAttach({ studio: deps.studio, ...(deps.modelSelection ? { modelSelection: deps.modelSelection } : {}) }) : undefined;
  app.use(generationRoutes({ repo: deps.repo, service, baseUrl, checks, ...(experiments ? { experiments } : {}), ...(studio ? { studio } : {}) }));
  if (deps.studio) app.use(studioRoutes({ service: createStudioService({ studio: deps.studio, generations: deps.repo, catalogue }), baseUrl }));
  app.use(
    batchRoutes({
      checks,
      baseUrl,
      service: checks.guardBatches(createBatchService({
        batches: deps.batches,
        generations: deps.repo,
        temporal: deps.temporal,
        logger: deps.logger,
        ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
        ...(deps.batchChildrenPerRun ? { childrenPerRun: deps.batchChildrenPerRun } : {}),
        outbox: deps.outbox,
        ...(deps.webhookSecret ? { webhookSecret: deps.webhookSecret } : {}),
        ...(deps.allowLoopbackInputs ? { allowLoopbackWebhooks: true } : {}),
        ...(deps.modelSelection ? { modelSelection: deps.modelSelection } : {}),
        ...(deps.env ? { env: deps.env } : {}),
        storage: deps.storage,
        searchAttributes,
        modelDefaults,
      })),
    }),
  );
  app.use(providerWebhookRoutes({ repo: deps.repo, temporal: deps.temporal, logger: deps.logger, catalogue, ...(deps.providers ? { providers: deps.providers } : {}), ...(deps.env ? { env: deps.env } : {}) }));
  app.use(
    openAiImageRoutes({
      repo: deps.repo,
      storage: deps.storage,
      temporal: deps.temporal,
      service,
      baseUrl,
      defaults: deps.modelSelection?.defaults ?? BUILT_IN_DEFAULT_MODELS,
      catalogue,
      bodyLimitBytes: bodyLimitBytes(deps.bodyLimit),
      waitMs: deps.imagesWaitMs ?? 5 * 60_000,
    }),
  );
  app.use(openApiRoutes());
  app.use(assetRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(thumbnailRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(generationDeleteRoutes({ repo: deps.repo, storage: deps.storage }));
  app.use(notFoundHandler());
  app.use('/v1/images', openAiErrorHandler(deps.logger));
  app.use(errorHandler(deps.logger));
  return app;
}
