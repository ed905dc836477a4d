import type { AlertsRepo } from '../db/alerts-repo';
import type { BatchesRepo } from '../db/batches-repo';
import type { ErrorLogsRepo } from '../db/error-logs-repo';
import type { ExperimentsRepo } from '../db/experiments-repo';
import type { AlertSettings } from '../domain/alert-settings';
import { createBatchActivities } from './batch-activities';
import { createCallbackActivities } from './client-callback';
import { createExperimentActivities } from './experiment-activities';
import { createGenerationActivities, type ActivityDeps } from './generation-activities';
import { createHealthActivities } from './health-activities';
import { createMediaActivities } from './media-activities';

/**
 * Everything the worker's activities need, in one object built by the composition root
 * (bootstrap/wiring.ts) or by a test. Each factory takes the part it uses.
 */
export interface GenflowActivityDeps extends ActivityDeps {
  batches: BatchesRepo;
  /** Provider settings: rate limits decide the queue a batch item's provider calls go to. */
  env: Record<string, string | undefined>;
  /** With it, the experiment workflows' activities run too. */
  experiments?: ExperimentsRepo;
  /** With it, the provider-health workflow's activities run too. */
  health?: {
    alerts: AlertsRepo;
    errorLogs: ErrorLogsRepo;
    /** Throws when genflow's database cannot be reached. */
    pingDatabase: () => Promise<void>;
    settings: AlertSettings;
  };
}

/**
 * All of genflow's activities from one deps object, as temporalio/samples-typescript's
 * activities-dependency-injection sample does. The names are the factories' own: workflows
 * and recorded histories refer to them, so composing them must not rename any.
 */
export function createActivities(deps: GenflowActivityDeps) {
  const { logger, repo, storage } = deps;
  // One catalogue for every factory: the one the provider gateway calls.
  const catalogue = deps.providers.catalogue;
  return {
    ...createGenerationActivities(deps),
    ...createMediaActivities({ ...deps, catalogue }),
    ...(deps.experiments ? createExperimentActivities({ experiments: deps.experiments, logger }) : {}),
    ...createBatchActivities({ batches: deps.batches, repo, storage, logger, env: deps.env, catalogue }),
    ...(deps.health ? createHealthActivities({ ...deps.health, providers: deps.providers, logger, ...(deps.fetchPolicy ? { fetchPolicy: deps.fetchPolicy } : {}) }) : {}),
    ...createCallbackActivities(deps),
  };
}

export type GenflowActivities = ReturnType<typeof createActivities>;
