import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';

const dir = 'test/replay/histories';

/**
 * The experiment workflow's recorded histories (lifecycle, a significance stop, both runs of a
 * continue-as-new) and a generation that reported to an experiment, replayed against the current
 * code. (generation-replay.test.ts replays every history; this suite makes sure these exist.)
 */
describe('replay of experiment histories', () => {
  const files = readdirSync(dir).filter((f) => f.startsWith('experiment-') || f === 'generation-with-experiment.json');

  it('has recorded histories for experimentWorkflow and a generation in an experiment', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'experiment-lifecycle.json',
        'experiment-significance.json',
        'experiment-continue-as-new.json',
        'experiment-continue-as-new-first-run.json',
        'generation-with-experiment.json',
      ]),
    );
  });

  it('a generation history that signalled its experiment contains that signal', () => {
    const text = readFileSync(join(dir, 'generation-with-experiment.json'), 'utf8');
    expect(text).toContain('SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
    // …and none of the histories of generations without an experiment do.
    for (const f of readdirSync(dir).filter((x) => x.startsWith('generation-') && x !== 'generation-with-experiment.json')) {
      expect(readFileSync(join(dir, f), 'utf8')).not.toContain('SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
    }
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file)).resolves.toBeUndefined();
  });
});
