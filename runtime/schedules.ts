import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

type ScheduleOptions = Parameters<Client['schedule']['create']>[0];
export type ScheduleOutcome = 'created' | 'updated' | 'deleted' | 'absent';

/**
 * Makes a schedule match the settings: removed when `enabled` is false, else created, or
 * updated in place when it exists (every worker calls this at start; the id makes it
 * idempotent). A run still going when the next is due makes the next one skip.
 */
export async function ensureSchedule(
  client: Client,
  scheduleId: string,
  enabled: boolean,
  spec: ScheduleOptions['spec'],
  action: ScheduleOptions['action'],
): Promise<ScheduleOutcome> {
  const handle = client.schedule.getHandle(scheduleId);
  if (!enabled) {
    try {
      await handle.delete();
      return 'deleted';
    } catch {
      return 'absent';
    }
  }
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}
