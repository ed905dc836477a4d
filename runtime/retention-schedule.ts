import type { Client } from '@temporalio/client';
import { ensureSchedule, type ScheduleOutcome } from './schedules';
import type { MediaRetentionInput } from '../workflows/media-retention';

export const RETENTION_SCHEDULE_ID = 'genflow-media-retention';

export interface RetentionScheduleOptions {
  taskQueue: string;
  retentionDays: number;
  /** How often the sweep runs (default daily). */
  every?: string;
  scheduleId?: string;
}

/**
 * Creates the daily media-retention schedule, or updates it to the current settings when it
 * exists (every worker calls this at start; the schedule id makes it idempotent). With a
 * retention of 0 days the schedule is removed: media is kept forever.
 */
export async function ensureRetentionSchedule(client: Client, options: RetentionScheduleOptions): Promise<ScheduleOutcome> {
  const args: [MediaRetentionInput] = [{ retentionDays: options.retentionDays }];
  return ensureSchedule(client, options.scheduleId ?? RETENTION_SCHEDULE_ID, options.retentionDays > 0, { intervals: [{ every: options.every ?? '1 day' }] }, {
    type: 'startWorkflow',
    workflowType: 'mediaRetentionWorkflow',
    taskQueue: options.taskQueue,
    workflowId: `${options.scheduleId ?? RETENTION_SCHEDULE_ID}-run`,
    args,
  });
}
