import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
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
export async function ensureRetentionSchedule(client: Client, options: RetentionScheduleOptions): Promise<'created' | 'updated' | 'deleted' | 'absent'> {
  const scheduleId = options.scheduleId ?? RETENTION_SCHEDULE_ID;
  const handle = client.schedule.getHandle(scheduleId);
  if (options.retentionDays <= 0) {
    try {
      await handle.delete();
      return 'deleted';
    } catch {
      return 'absent';
    }
  }
  const args: [MediaRetentionInput] = [{ retentionDays: options.retentionDays }];
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'mediaRetentionWorkflow',
    taskQueue: options.taskQueue,
    workflowId: `${scheduleId}-run`,
    args,
  };
  const spec = { intervals: [{ every: options.every ?? '1 day' }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      // A sweep still running when the next is due makes the next one pointless.
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}
