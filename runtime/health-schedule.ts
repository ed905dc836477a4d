import type { Client } from '@temporalio/client';
import { ensureSchedule, type ScheduleOutcome } from './schedules';
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
export async function ensureHealthSchedule(client: Client, options: HealthScheduleOptions): Promise<ScheduleOutcome> {
  const args: [ProviderHealthInput] = [{}];
  return ensureSchedule(client, options.scheduleId ?? HEALTH_SCHEDULE_ID, !/^0+$/.test(options.every.trim()), { intervals: [{ every: options.every }] }, {
    type: 'startWorkflow',
    workflowType: 'providerHealthWorkflow',
    taskQueue: options.taskQueue,
    workflowId: `${options.scheduleId ?? HEALTH_SCHEDULE_ID}-run`,
    args,
    // A check that cannot finish in a few minutes is stuck; the next one starts fresh.
    workflowExecutionTimeout: '10 minutes',
  });
}
