import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchLimits } from '../../domain/batch';
import { startBatchStack, waitForBatch, type BatchStack } from '../support/batch-stack';
import { postJson, temporalAddress } from '../support/stack';

/**
 * By default 250 items at 100 children per run: three runs, so `npm test` crosses the
 * continue-as-new hand-over twice in about a minute. `GENFLOW_BATCH_SCALE_ITEMS=10000` is the
 * full-size run at the production 500 children per run (long on a loaded 2-core machine with
 * the dev server's SQLite: ~2-3.5 children/s there).
 */
const ITEMS = Number(process.env.GENFLOW_BATCH_SCALE_ITEMS ?? 250);
const PER_RUN = process.env.GENFLOW_BATCH_SCALE_ITEMS ? BatchLimits.childrenPerRun : 100;
const CONCURRENCY = 100;

describe.skipIf(!temporalAddress)(`a batch of ${ITEMS} items, real Temporal + database`, () => {
  let stack: BatchStack;
  beforeAll(async () => {
    stack = await startBatchStack({ maxConcurrentActivities: 200, childrenPerRun: PER_RUN });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('finishes with every item succeeded and a bounded history per run', async () => {
    const requests = Array.from({ length: ITEMS }, (_, i) => ({ model: 'local/image', prompt: `tile ${i}`, parameters: { width: 64, height: 64, seed: i } }));
    const started = Date.now();
    const res = await postJson(`${stack.baseUrl}/v1/batches`, { requests, options: { maxConcurrency: CONCURRENCY } });
    expect(res.status).toBe(202);
    const accepted = Date.now() - started;
    const id = res.body.id as string;
    const done = await waitForBatch(stack.baseUrl, id, undefined, 40 * 60_000, 2_000);
    const wallMs = Date.now() - started;
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ total: ITEMS, succeeded: ITEMS, failed: 0, canceled: 0 });
    expect(stack.observer.calls).toHaveLength(ITEMS);
    expect(stack.observer.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);

    const runs: number[] = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = 'batch_${id}'` })) runs.push(wf.historyLength);
    const maxEvents = Math.max(...runs);
    console.info(
      `batch of ${ITEMS}: accepted in ${accepted} ms, finished in ${(wallMs / 1000).toFixed(1)} s; ` +
        `${runs.length} runs (${runs.length - 1} continue-as-new), history events per run max ${maxEvents}, all ${runs.join(',')}`,
    );
    // One run per PER_RUN children, none longer than a few events per child.
    expect(runs.length).toBe(Math.ceil(ITEMS / PER_RUN));
    expect(maxEvents).toBeLessThan(PER_RUN * 12);
  }, 45 * 60_000);
});
