import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions as TemporalWorkerOptions } from '@temporalio/worker';
import { TaskQueue } from '../domain/task-queues';
import { createActivities, type ActivityDeps } from '../activities/generation-activities';
import { createMediaActivities } from '../activities/media-activities';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface GenflowWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue?: string;
  /** A pre-built bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: TemporalWorkerOptions['workflowBundle'];
  maxConcurrentActivities?: number;
}

export async function createGenflowWorker(options: GenflowWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TaskQueue.generations,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: { ...createActivities(options.deps), ...createMediaActivities(options.deps) },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
  });
}
