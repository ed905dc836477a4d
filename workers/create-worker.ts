import { Worker, type NativeConnection, type WorkerOptions as TemporalWorkerOptions } from '@temporalio/worker';
import { TaskQueue } from '../domain/task-queues';
import { workflowBundleOptions, workflowsPath } from '../runtime/workflow-bundle-options';
import { createActivities, type GenflowActivityDeps } from '../activities/create-activities';

export interface GenflowWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** Every activity's dependencies (activities/create-activities.ts). */
  deps: GenflowActivityDeps;
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
    activities: createActivities(options.deps),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
