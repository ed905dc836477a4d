import { proxyActivities } from '@temporalio/workflow';
import type { MediaActivities } from '../activities/media-activities';
import type { RetentionSweep } from '../domain/media';

export interface MediaRetentionInput {
  /** Stored media older than this many days is removed. */
  retentionDays: number;
  /** Assets removed per activity call, so one call stays short. */
  batchSize?: number;
}

const sweeper = proxyActivities<MediaActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

/** At most this many batches per run; the next scheduled run carries on, so history stays small. */
const MAX_BATCHES = 200;

/**
 * Removes media past the retention age: expired assets batch by batch (objects, rows and the
 * generation's prepared inputs), then any other file in local storage older than the cutoff.
 * Run by a Temporal Schedule (runtime/retention-schedule.ts); safe to run twice.
 */
export async function mediaRetentionWorkflow(input: MediaRetentionInput): Promise<RetentionSweep> {
  // Workflow time is deterministic on replay; the cutoff is fixed once per run.
  const cutoff = new Date(Date.now() - input.retentionDays * 86_400_000).toISOString();
  const batchSize = input.batchSize ?? 500;
  const total: RetentionSweep = { assets: 0, generations: 0, files: 0 };
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const swept = await sweeper.sweepExpiredAssets(cutoff, batchSize);
    total.assets += swept.assets;
    total.generations += swept.generations;
    if (swept.assets < batchSize) break;
  }
  total.files = await sweeper.sweepOldFiles(cutoff);
  return total;
}
