import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BatchActivities } from '../../activities/batch-activities';
import type { GenerationActivities } from '../../activities/generation-activities';
import type { BatchPageItem, BatchProgress, BatchStatus, BatchWorkflowInput } from '../../domain/batch';
import type { batchWorkflow } from '../../workflows/batch';
import { createTimeSkippingEnv, recordHistories, saveHistory } from '../support/time-skipping';

type Behaviour = 'ok' | 'fail' | 'slow';

/**
 * A batch in memory standing in for Postgres, and mock generation activities whose outcome
 * follows each item's prompt. Records what the workflows asked for.
 */
function fakeBatch(behaviours: Behaviour[], dependsOn: Record<number, number> = {}) {
  const ids: string[] = behaviours.map(() => randomUUID());
  const status = new Map<string, string>(ids.map((id) => [id, 'queued']));
  const seen = { order: [] as string[], pages: [] as number[], inFlight: 0, maxInFlight: 0, submits: 0, providerCancels: 0, cancelUnstarted: [] as number[], finished: [] as BatchStatus[] };

  const items: BatchPageItem[] = behaviours.map((b, index) => ({
    index,
    input: {
      generationId: ids[index]!,
      request: { model: 'local/x', kind: 'text-to-image', prompt: b, parameters: {}, inputImages: [], numberOfOutputs: 1 },
      model: { id: 'local/x', provider: 'local', async: b === 'slow', polling: { initialDelayMs: 5_000, maxIntervalMs: 60_000, maxTotalMs: 3_600_000 } },
    },
    ...(dependsOn[index] !== undefined ? { dependsOn: [{ image: 0, fromItem: dependsOn[index] }] } : {}),
  }));

  const batch: BatchActivities = {
    loadBatchPage: async (_batchId, fromIndex, maxItems) => {
      seen.pages.push(fromIndex);
      return items.slice(fromIndex, fromIndex + Math.min(maxItems, 4));
    },
    rejectBatchItem: async () => undefined,
    // As the real activity: the input item must have succeeded, else the item fails unstarted.
    resolveBatchItemInputs: async (_batchId, input, deps) => {
      const from = deps[0]!.fromItem;
      seen.order.push(`resolve ${ids.indexOf(input.generationId)} after ${from} ${status.get(ids[from]!)}`);
      if (status.get(ids[from]!) !== 'succeeded') {
        status.set(input.generationId, 'failed');
        return { rejected: { code: 'DEPENDENCY_FAILED', message: `item ${from} failed` } };
      }
      // A parameter stands in for the input image (an image would need the media activities).
      return { input: { ...input, request: { ...input.request, parameters: { inputFrom: `output-of-${from}` } } } };
    },
    cancelUnstartedItems: async (_batchId, fromIndex) => {
      seen.cancelUnstarted.push(fromIndex);
      let n = 0;
      for (const item of items.slice(fromIndex)) {
        if (status.get(item.input.generationId) === 'queued') {
          status.set(item.input.generationId, 'canceled');
          n += 1;
        }
      }
      return n;
    },
    finishBatch: async (_batchId, s) => {
      seen.finished.push(s);
      const counts = { total: items.length, succeeded: 0, failed: 0, canceled: 0, running: 0, queued: 0 };
      for (const v of status.values()) counts[v as 'succeeded' | 'failed' | 'canceled' | 'running' | 'queued'] += 1;
      return { actualCost: 0, counts };
    },
  };
  const generation: GenerationActivities = {
    recordRunning: async (id) => {
      status.set(id, 'running');
    },
    enhancePrompt: async (input) => input.request.prompt,
    submitToProvider: async (input) => {
      seen.submits += 1;
      const from = input.request.parameters.inputFrom;
      seen.order.push(`submit ${ids.indexOf(input.generationId)}${typeof from === 'string' ? ` with ${from}` : ''}`);
      seen.inFlight += 1;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      try {
        // Real time: overlapping calls are what the window must bound.
        await new Promise((r) => setTimeout(r, 30));
        if (input.request.prompt === 'fail') throw ApplicationFailure.create({ type: 'CONTENT_REJECTED', message: 'rejected', nonRetryable: true });
        if (input.request.prompt === 'slow') return { status: 'pending', taskId: `task-${input.generationId}` };
        return { status: 'succeeded', assets: [] };
      } finally {
        seen.inFlight -= 1;
      }
    },
    pollProvider: async () => ({ status: 'running', progress: 0.5 }),
    cancelProviderTask: async () => {
      seen.providerCancels += 1;
    },
    finishGeneration: async (id, s) => {
      status.set(id, s);
    },
  };
  return { activities: { ...batch, ...generation }, seen, status, ids };
}

const record = recordHistories;

describe('batchWorkflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run<T>(
    fake: ReturnType<typeof fakeBatch>,
    options: Omit<BatchWorkflowInput, 'batchId' | 'total'>,
    body: (handle: WorkflowHandle<typeof batchWorkflow>) => Promise<T>,
    historyName?: string,
  ): Promise<T> {
    const taskQueue = `wf-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: fake.activities,
    });
    return worker.runUntil(async () => {
      const batchId = randomUUID();
      const handle = await env.client.workflow.start<typeof batchWorkflow>('batchWorkflow', {
        taskQueue,
        workflowId: `batch_${batchId}`,
        args: [{ batchId, total: fake.ids.length, ...options }],
      });
      try {
        return await body(handle);
      } finally {
        if (record && historyName) {
          await handle.result().catch(() => undefined);
          // The first run: with continue-as-new, the latest would miss the hand-over.
          saveHistory(env, `batch-${historyName}`, handle.workflowId, handle.firstExecutionRunId);
        }
      }
    });
  }

  it('keeps at most maxConcurrency children running and carries the counts over continue-as-new', async () => {
    const fake = fakeBatch(Array<Behaviour>(10).fill('ok'));
    const result = await run(fake, { maxConcurrency: 3, stopOnError: false, childrenPerRun: 4 }, (h) => h.result(), 'continue-as-new');
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ total: 10, succeeded: 10 });
    expect(fake.seen.submits).toBe(10);
    expect(fake.seen.maxInFlight).toBe(3);
    // Three runs of at most four children, each resuming at the cursor the last one handed over.
    expect(fake.seen.pages).toEqual([0, 4, 8, 10]);
    expect(fake.seen.finished).toEqual(['succeeded']);
  });

  it('ends partially_failed and keeps going when stopOnError is off', async () => {
    const fake = fakeBatch(['ok', 'fail', 'ok', 'fail', 'ok']);
    const result = await run(fake, { maxConcurrency: 2, stopOnError: false }, (h) => h.result(), 'partial-failure');
    expect(result.status).toBe('partially_failed');
    expect(result.counts).toMatchObject({ succeeded: 3, failed: 2, canceled: 0 });
    expect(fake.seen.submits).toBe(5);
  });

  it('ends failed when every item fails', async () => {
    const fake = fakeBatch(['fail', 'fail']);
    const result = await run(fake, { maxConcurrency: 2, stopOnError: false }, (h) => h.result());
    expect(result.status).toBe('failed');
  });

  it('with stopOnError, starts nothing after the first failure and cancels the rest', async () => {
    const fake = fakeBatch(['ok', 'fail', 'ok', 'ok', 'ok', 'ok']);
    const result = await run(fake, { maxConcurrency: 1, stopOnError: true }, (h) => h.result(), 'stop-on-error');
    expect(result.status).toBe('partially_failed');
    expect(result.counts).toMatchObject({ succeeded: 1, failed: 1, canceled: 4 });
    expect(fake.seen.submits).toBe(2);
    expect(fake.seen.cancelUnstarted).toEqual([2]);
  });

  it('starts an item that takes an earlier item’s output once that item ended, and fails it when that item failed', async () => {
    // Items 1 and 3 take the outputs of 0 and 2; 2 fails. The window would allow all four at once.
    const fake = fakeBatch(['ok', 'ok', 'fail', 'ok'], { 1: 0, 3: 2 });
    const result = await run(fake, { maxConcurrency: 4, stopOnError: false }, (h) => h.result(), 'dependencies');
    expect(result.status).toBe('partially_failed');
    expect([...fake.status.values()]).toEqual(['succeeded', 'succeeded', 'failed', 'failed']);
    const at = (entry: string) => fake.seen.order.indexOf(entry);
    expect(at('resolve 1 after 0 succeeded')).toBeGreaterThan(at('submit 0'));
    expect(at('submit 1 with output-of-0')).toBeGreaterThan(at('resolve 1 after 0 succeeded'));
    expect(fake.seen.order).toContain('resolve 3 after 2 failed');
    expect(fake.seen.order.filter((e) => e.startsWith('submit 3'))).toEqual([]);
    expect(fake.seen.submits).toBe(3);
  });

  it('answers the progress query, and cancelling cancels the running children and the unstarted items', async () => {
    const fake = fakeBatch(Array<Behaviour>(5).fill('slow'));
    const { progress, err } = await run(
      fake,
      { maxConcurrency: 2, stopOnError: false },
      async (handle) => {
        await env.sleep('2 minutes');
        const progress = await handle.query<BatchProgress>('batchProgress');
        await handle.cancel();
        // Waiting on result() would let the server skip time, racing the children's poll timers
        // ahead of the cancellation; polling describe() keeps the clock where it is.
        const deadline = Date.now() + 45_000;
        while ((await handle.describe()).status.name === 'RUNNING' && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
        }
        const err = await handle.result().then(() => undefined, (e: unknown) => e);
        return { progress, err };
      },
      'canceled',
    );
    expect(progress.status).toBe('running');
    expect(progress.counts).toMatchObject({ total: 5, running: 2, queued: 3, succeeded: 0 });
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(fake.seen.providerCancels).toBe(2);
    expect(fake.seen.cancelUnstarted).toEqual([0]);
    expect(fake.seen.finished).toEqual(['canceled']);
    expect([...fake.status.values()]).toEqual(Array<string>(5).fill('canceled'));
  });
});
