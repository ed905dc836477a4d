import { Worker, type NativeConnection } from '@temporalio/worker';
import { createGenerationActivities, type ActivityDeps } from '../activities/generation-activities';
import { rateLimitedProviders } from '../providers/rate-limits';

export interface ProviderWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  env: Record<string, string | undefined>;
}

/**
 * One activity-only worker per rate-limited provider, polling that provider's queue.
 *
 * `maxTaskQueueActivitiesPerSecond` is enforced by the Temporal server for the whole queue,
 * so it holds across every worker process together (the last value a poller sent wins; all
 * workers read the same setting). `maxConcurrent` caps this worker's slots on the queue:
 * Temporal has no global concurrency limit, so with n workers up to n × maxConcurrent calls
 * may run at once — see the README.
 */
export async function createProviderWorkers(options: ProviderWorkersOptions): Promise<Worker[]> {
  // Only provider calls are routed to these queues: the generation activities.
  const activities = createGenerationActivities(options.deps);
  const workers: Worker[] = [];
  for (const limit of rateLimitedProviders(options.env, options.deps.providers.catalogue)) {
    workers.push(
      await Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: limit.taskQueue,
        activities,
        ...(limit.requestsPerSecond !== undefined ? { maxTaskQueueActivitiesPerSecond: limit.requestsPerSecond } : {}),
        ...(limit.maxConcurrent !== undefined ? { maxConcurrentActivityTaskExecutions: limit.maxConcurrent } : {}),
      }),
    );
  }
  return workers;
}
