import { Worker, type NativeConnection, type WorkerOptions as TemporalWorkerOptions } from '@temporalio/worker';
import { TaskQueue } from '../domain/task-queues';
import { workflowBundleOptions, workflowsPath } from './workflow-bundle-options';
import { createActivities, type ActivityDeps } from '../activities/generation-activities';
import { createExperimentActivities } from '../activities/experiment-activities';
import type { ExperimentsRepo } from '../db/experiments-repo';
import { createMediaActivities } from '../activities/media-activities';
import { createBatchActivities } from '../activities/batch-activities';
import { createCallbackActivities } from '../activities/client-callback';
import type { BatchesRepo } from '../db/batches-repo';
import { createHealthActivities, type HealthActivityDeps } from '../activities/health-activities';

export interface GenflowWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** With `experiments`, the worker also runs experiment workflows' activities. */
  deps: ActivityDeps & { experiments?: ExperimentsRepo };
  batches: BatchesRepo;
  /** With it, the worker runs the provider-health workflow's activities. */
  health?: HealthActivityDeps;
  /** Provider settings: rate limits route provider calls to their own queues. */
  env?: Record<string, string | undefined>;
  taskQueue?: string;
  /** A pre-built bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: TemporalWorkerOptions['workflowBundle'];
  maxConcurrentActivities?: number;
  /** Workflows kept in memory between tasks; others are replayed from history when they wake. */
  maxCachedWorkflows?: number;
}

export async function createGenflowWorker(options: GenflowWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TaskQueue.generations,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath, bundlerOptions: workflowBundleOptions }),
    activities: {
      ...createActivities(options.deps),
      ...createMediaActivities(options.deps),
      ...(options.deps.experiments ? createExperimentActivities({ experiments: options.deps.experiments, logger: options.deps.logger }) : {}),
      ...createBatchActivities({ batches: options.batches, repo: options.deps.repo, storage: options.deps.storage, logger: options.deps.logger, env: options.env ?? process.env }),
      ...(options.health ? createHealthActivities(options.health) : {}),
      ...createCallbackActivities({ ...options.deps, batches: options.batches }),
    },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
