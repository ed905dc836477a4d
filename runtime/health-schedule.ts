import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { ProviderHealthInput } from '../workflows/provider-health';

export const HEALTH_SCHEDULE_ID = 'genflow-provider-health';

export interface HealthScheduleOptions {
  taskQueue: string;
  /** Temporal duration (`5 minutes`, `30s`); `0` removes the schedule. */
  every: string;
  scheduleId?: string;
}

/**
 * Creates the provider-health schedule, or updates it to the current settings when it exists
 * (every worker and `genflow dev` call this at start; the schedule id makes it idempotent).
 * An interval of 0 removes it.
 */
export async function ensureHealthSchedule(client: Client, options: HealthScheduleOptions): Promise<'created' | 'updated' | 'deleted' | 'absent'> {
  const scheduleId = options.scheduleId ?? HEALTH_SCHEDULE_ID;
  const handle = client.schedule.getHandle(scheduleId);
  if (/^0+$/.test(options.every.trim())) {
    try {
      await handle.delete();
      return 'deleted';
    } catch {
      return 'absent';
    }
  }
  const args: [ProviderHealthInput] = [{}];
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'providerHealthWorkflow',
    taskQueue: options.taskQueue,
    workflowId: `${scheduleId}-run`,
    args,
    // A check that cannot finish in a few minutes is stuck; the next one starts fresh.
    workflowExecutionTimeout: '10 minutes',
  };
  const spec = { intervals: [{ every: options.every }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      // A check still running when the next is due makes the next one redundant.
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}
