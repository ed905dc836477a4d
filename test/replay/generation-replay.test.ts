import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';

const dir = 'test/replay/histories';

/**
 * Replays every recorded history against the current workflow code: a change that makes
 * the workflow issue different commands for the same history fails here, not in production.
 * Record new histories with `npm run test:record-histories`.
 */
describe('replay of recorded workflow histories', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('has recorded histories for generationWorkflow', () => {
    expect(files.filter((f) => f.startsWith('generation-')).length).toBeGreaterThanOrEqual(3);
  });

  it('has generation histories from before and after recordRunning became a local activity', () => {
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    const before = files.filter((f) => f.startsWith('generation-before-local-record-running-'));
    expect(before.length).toBeGreaterThanOrEqual(2);
    // Before: an ActivityTaskScheduled for recordRunning; after: a local-activity marker.
    for (const f of before) {
      expect(read(f)).toContain('"name": "recordRunning"');
      expect(read(f)).not.toContain('core_local_activity');
    }
    expect(read('generation-sync-success.json')).toContain('core_local_activity');
    expect(read('generation-sync-success.json')).not.toContain('"name": "recordRunning"');
  });

  it('has generation histories that upsert GenflowStatus (the patched path) next to ones that do not', () => {
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    // Set at start (queued), then upserted twice (running, and succeeded or failed).
    for (const f of ['generation-status-search-attribute-success.json', 'generation-status-search-attribute-failed.json']) {
      expect(read(f).match(/"GenflowStatus"/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    }
    expect(read('generation-sync-success.json')).not.toContain('GenflowStatus');
  });

  it('has recorded histories for batchWorkflow, including a continue-as-new hand-over', () => {
    const batch = files.filter((f) => f.startsWith('batch-'));
    expect(batch).toEqual(expect.arrayContaining(['batch-continue-as-new.json', 'batch-canceled.json', 'batch-stop-on-error.json']));
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file),
    ).resolves.toBeUndefined();
  });
});
