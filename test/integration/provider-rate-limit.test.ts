import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBatchStack, waitForBatch, type BatchStack } from '../support/batch-stack';
import { postJson, temporalAddress } from '../support/stack';

const RPS = 5;
const ITEMS = Number(process.env.GENFLOW_RATE_LIMIT_ITEMS ?? 60);

/**
 * Two worker processes' worth of pollers (separate connections) serve the provider's queue;
 * each alone would be allowed RPS calls a second, so the limit holds only if it is global.
 */
describe.skipIf(!temporalAddress)('provider rate limit across two workers, real Temporal', () => {
  let stack: BatchStack;
  beforeAll(async () => {
    stack = await startBatchStack({ env: { GENFLOW_LOCAL_RPS: String(RPS) }, providerWorkers: 2 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(`a batch of ${ITEMS} never exceeds ${RPS} provider calls per second`, async () => {
    const requests = Array.from({ length: ITEMS }, (_, i) => ({ model: 'local/image', prompt: `limited ${i}`, parameters: { width: 64, height: 64 } }));
    const started = Date.now();
    const res = await postJson(`${stack.baseUrl}/v1/batches`, { requests, options: { maxConcurrency: 50 } });
    expect(res.status).toBe(202);
    const done = await waitForBatch(stack.baseUrl, res.body.id as string, undefined, (ITEMS / RPS) * 1_000 * 3 + 30_000, 1_000);
    const elapsed = (Date.now() - started) / 1_000;
    expect(done.status).toBe('succeeded');

    const { calls } = stack.observer;
    expect(calls).toHaveLength(ITEMS);
    // Every call ran on a provider-queue worker, and both of them took a share.
    const byWorker = new Map<string, number>();
    for (const c of calls) byWorker.set(c.worker, (byWorker.get(c.worker) ?? 0) + 1);
    expect(byWorker.get('main')).toBeUndefined();
    expect([...byWorker.keys()].sort()).toEqual(['provider-worker-0', 'provider-worker-1']);

    const maxPerSecond = stack.observer.maxStartsPerWindow(1_000);
    console.info(`rate limit: ${ITEMS} items in ${elapsed.toFixed(1)} s, max ${maxPerSecond} calls in any 1 s window, per worker ${JSON.stringify(Object.fromEntries(byWorker))}`);
    expect(maxPerSecond).toBeLessThanOrEqual(RPS);
    // And the limit is what paces the batch: 50 may run at once, yet it takes ITEMS / RPS seconds.
    expect(elapsed).toBeGreaterThanOrEqual((ITEMS - RPS) / RPS);
  }, 300_000);
});

describe.skipIf(!temporalAddress)('provider max concurrency across two workers, real Temporal', () => {
  const MAX = 2;
  let stack: BatchStack;
  beforeAll(async () => {
    stack = await startBatchStack({ env: { GENFLOW_LOCAL_MAX_CONCURRENT: String(MAX) }, providerWorkers: 2 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(`never has more than ${MAX} calls in flight at the provider, though each worker could run ${MAX}`, async () => {
    stack.observer.delayMs = 300;
    const requests = Array.from({ length: 16 }, (_, i) => ({ model: 'local/image', prompt: `slot ${i}`, parameters: { width: 64, height: 64 } }));
    const res = await postJson(`${stack.baseUrl}/v1/batches`, { requests, options: { maxConcurrency: 16 } });
    expect(res.status).toBe(202);
    const done = await waitForBatch(stack.baseUrl, res.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(stack.observer.calls).toHaveLength(16);
    expect(new Set(stack.observer.calls.map((c) => c.worker)).size).toBe(2);
    expect(stack.observer.maxInFlight).toBe(MAX);
  });
});
