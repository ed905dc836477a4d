import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxRepo } from '../../db/outbox-repo';
import { createWorkflowOutbox, type OutboxSettings } from '../../runtime/workflow-outbox';
import { postJson, startStack, temporalAddress, testLogger, type Stack } from '../support/stack';

const image = (prompt: string) => ({ model: 'local/image', prompt, parameters: { width: 64, height: 64 } });

/** Keeps the event loop saturated for `ms` (20 ms turns, I/O served between them), calling `each` every turn. */
function saturate(ms: number, each: () => void): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const turn = () => {
      const until = Math.min(end, Date.now() + 20);
      while (Date.now() < until) {
        // busy: what serving a burst of requests does to the loop
      }
      each();
      if (Date.now() >= end) resolve();
      else setImmediate(turn);
    };
    setImmediate(turn);
  });
}

/**
 * While the process's own submits arrive faster than its start rate, or keep arriving while its
 * event loop is saturated, its dispatcher leaves the process to them (`busyShare` of its rate), and catches up once the burst passes.
 */
describe.skipIf(!temporalAddress)('a dispatcher in a busy process', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dispatch: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Submits arriving every 5 ms (200/s) for `ms`, the event loop left idle between them. */
  function arriving(ms: number, each: () => void): Promise<void> {
    return new Promise((resolve) => {
      const timer = setInterval(each, 5);
      setTimeout(() => {
        clearInterval(timer);
        resolve();
      }, ms);
    });
  }

  async function startsDuringBurst(settings: Partial<OutboxSettings>, load: (ms: number, each: () => void) => Promise<void> = saturate): Promise<{ during: number; drainedMs: number }> {
    for (let i = 0; i < 40; i++) expect((await postJson(`${stack.baseUrl}/v1/generations`, image(`busy ${i}`))).status).toBe(202);
    const repo = createOutboxRepo(stack.db.db, [stack.taskQueue]);
    let starts = 0;
    // The run's Temporal client; the interceptor only counts the starts it makes.
    const temporal = new Client({
      connection: stack.client.connection,
      interceptors: { workflow: [{ start: (input, next) => ((starts += 1), next(input)) }] },
    });
    const outbox = createWorkflowOutbox({ db: stack.db.db, temporal, logger: testLogger, taskQueues: [stack.taskQueue], settings: { concurrency: 8, startRate: 40, pollMs: 100, ...settings } });
    outbox.start();
    // 1.5 s of the load, a local commit at each step (wake is what a submit calls).
    await load(1_500, () => outbox.wake());
    const during = starts;
    const t0 = Date.now();
    await expect.poll(() => repo.backlog(100), { timeout: 30_000, interval: 50 }).toBe(0);
    const drainedMs = Date.now() - t0;
    await outbox.stop();
    return { during, drainedMs };
  }

  it('starts at a tenth of its rate during the burst and drains the rest after it', async () => {
    const yielding = await startsDuringBurst({ busyShare: 0.1 });
    // At 40/s it would start all 40 within the 1.5 s; yielding, the first window's burst (8) and ~4/s.
    expect(yielding.during).toBeLessThanOrEqual(20);
    expect(yielding.drainedMs).toBeLessThan(15_000);
    // The same burst with yielding off: every start happens during it.
    const eager = await startsDuringBurst({ busyShare: 1 });
    expect(eager.during).toBeGreaterThan(30);
  }, 120_000);

  it('yields as well while its own submits arrive faster than it may start them, the loop not saturated', async () => {
    // 200 submits/s against a start rate of 40/s: the backlog grows either way, so the accepts go first.
    const yielding = await startsDuringBurst({ busyShare: 0.1 }, arriving);
    expect(yielding.during).toBeLessThanOrEqual(20);
    expect(yielding.drainedMs).toBeLessThan(15_000);
    const eager = await startsDuringBurst({ busyShare: 1 }, arriving);
    expect(eager.during).toBeGreaterThan(30);
  }, 120_000);
});
