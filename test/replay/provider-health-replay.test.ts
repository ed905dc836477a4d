import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';

const dir = 'test/replay/histories';

/**
 * providerHealthWorkflow's recorded histories (notices delivered, a quiet run, a channel that
 * stays down, the database unreachable) replayed against the current code.
 * (generation-replay.test.ts replays every history; this suite makes sure these exist.)
 */
describe('replay of provider-health histories', () => {
  const files = readdirSync(dir).filter((f) => f.startsWith('provider-health-'));

  it('has recorded histories for providerHealthWorkflow', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'provider-health-notify.json',
        'provider-health-quiet.json',
        'provider-health-channel-down.json',
        'provider-health-database-down.json',
      ]),
    );
  });

  it('the recorded runs scheduled the activities their names promise', () => {
    const text = (f: string) => readFileSync(join(dir, f), 'utf8');
    expect(text('provider-health-notify.json')).toContain('deliverAlert');
    expect(text('provider-health-quiet.json')).not.toContain('deliverAlert');
    expect(text('provider-health-database-down.json')).toContain('reportDatabaseUnreachable');
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file)).resolves.toBeUndefined();
  });
});
