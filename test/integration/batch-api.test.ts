import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BatchView } from '../../domain/batch';
import { getBatch, startBatchStack, waitForBatch, type BatchStack } from '../support/batch-stack';
import { apiFetch, postJson, temporalAddress } from '../support/stack';

const image = (prompt: string, parameters: Record<string, unknown> = {}) => ({
  model: 'local/image',
  prompt,
  parameters: { width: 64, height: 64, ...parameters },
});

describe.skipIf(!temporalAddress)('batches over HTTP, real Temporal + database', () => {
  let stack: BatchStack;
  beforeAll(async () => {
    stack = await startBatchStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(() => {
    stack.observer.calls.length = 0;
    stack.observer.maxInFlight = 0;
    stack.observer.delayMs = 0;
  });

  async function submit(requests: unknown[], options: Record<string, unknown>) {
    const res = await postJson(`${stack.baseUrl}/v1/batches`, { requests, options });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { id: string; status: string; totalTasks: number; estimatedCost: number };
  }

  it('never runs more than maxConcurrency items at once, and all succeed', async () => {
    stack.observer.delayMs = 400;
    const requests = Array.from({ length: 12 }, (_, i) => image(`fox ${i}`));
    const created = await submit(requests, { maxConcurrency: 3 });
    expect(created).toMatchObject({ status: 'running', totalTasks: 12, estimatedCost: 0 });

    const done = await waitForBatch(stack.baseUrl, created.id);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toEqual({ total: 12, succeeded: 12, failed: 0, canceled: 0, running: 0, queued: 0 });
    expect(done.progress).toBe(1);
    expect(done.actualCost).toBe(0);
    expect(stack.observer.calls).toHaveLength(12);
    // Observed where the calls reach the provider: the window was used, and never exceeded.
    expect(stack.observer.maxInFlight).toBe(3);

    // Every item is its own generation, with its own workflow.
    const item = done.items[0]!;
    const generation = await stack.repo.findById(item.generationId);
    expect(generation).toMatchObject({ batch_id: created.id, batch_index: 0, status: 'succeeded' });
    const described = await stack.client.workflow.getHandle(`gen_${item.generationId}`).describe();
    expect(described.status.name).toBe('COMPLETED');
  });

  it('pages the items with a cursor', async () => {
    const created = await submit(Array.from({ length: 7 }, (_, i) => image(`page ${i}`)), { maxConcurrency: 7 });
    await waitForBatch(stack.baseUrl, created.id);
    const seen: number[] = [];
    let query = '?limit=3';
    for (let page = 0; page < 5; page++) {
      const view: BatchView = await getBatch(stack.baseUrl, created.id, query);
      seen.push(...view.items.map((i) => i.index));
      if (!view.nextCursor) break;
      query = `?limit=3&cursor=${view.nextCursor}`;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('ends partially_failed when some items fail, with each failure on its item', async () => {
    const requests = Array.from({ length: 6 }, (_, i) => image(`item ${i}`, i % 3 === 1 ? { failWith: 'CONTENT_REJECTED' } : {}));
    const created = await submit(requests, { maxConcurrency: 4 });
    const done = await waitForBatch(stack.baseUrl, created.id);
    expect(done.status).toBe('partially_failed');
    expect(done.counts).toMatchObject({ succeeded: 4, failed: 2, canceled: 0 });
    expect(done.items.filter((i) => i.status === 'failed').map((i) => [i.index, i.error?.code])).toEqual([
      [1, 'CONTENT_REJECTED'],
      [4, 'CONTENT_REJECTED'],
    ]);
  });

  it('ends failed when nothing succeeds', async () => {
    const created = await submit([image('a', { failWith: 'CONTENT_REJECTED' }), image('b', { failWith: 'CONTENT_REJECTED' })], {});
    const done = await waitForBatch(stack.baseUrl, created.id);
    expect(done.status).toBe('failed');
    expect(done.counts).toMatchObject({ succeeded: 0, failed: 2 });
  });

  it('with stopOnError, starts nothing new after the first failure', async () => {
    const requests = Array.from({ length: 10 }, (_, i) => image(`stop ${i}`, i === 2 ? { failWith: 'CONTENT_REJECTED' } : {}));
    const created = await submit(requests, { maxConcurrency: 1, stopOnError: true });
    const done = await waitForBatch(stack.baseUrl, created.id);
    expect(done.status).toBe('partially_failed');
    expect(done.counts).toMatchObject({ succeeded: 2, failed: 1, canceled: 7, running: 0, queued: 0 });
    expect(done.items.map((i) => i.status)).toEqual(['succeeded', 'succeeded', 'failed', ...Array<string>(7).fill('canceled')]);
    // The provider saw exactly the three items that were started.
    expect(stack.observer.calls).toHaveLength(3);
  });

  it('cancel stops the running children and marks the unstarted items canceled', async () => {
    const requests = Array.from({ length: 5 }, (_, i) => ({ model: 'local/video', prompt: `slow ${i}`, parameters: { durationSeconds: 60, width: 64, height: 64, fps: 1 } }));
    const created = await submit(requests, { maxConcurrency: 2 });
    await waitForBatch(stack.baseUrl, created.id, (b) => b.counts.running === 2);

    const res = await postJson(`${stack.baseUrl}/v1/batches/${created.id}/cancel`, {});
    expect(res.status).toBe(202);
    const done = await waitForBatch(stack.baseUrl, created.id);
    expect(done.status).toBe('canceled');
    expect(done.counts).toMatchObject({ total: 5, succeeded: 0, failed: 0, canceled: 5, running: 0, queued: 0 });

    const started = done.items.slice(0, 2);
    for (const item of started) {
      // The row says canceled once the cleanup ran; the workflow closes a moment after.
      const status = async () => (await stack.client.workflow.getHandle(`gen_${item.generationId}`).describe()).status.name;
      await expect.poll(status, { timeout: 10_000, interval: 100 }).toBe('CANCELLED');
    }
    // The three never started have no workflow at all.
    await expect(stack.client.workflow.getHandle(`gen_${done.items[4]!.generationId}`).describe()).rejects.toThrow();
    const batchStatus = async () => (await stack.client.workflow.getHandle(`batch_${created.id}`).describe()).status.name;
    await expect.poll(batchStatus, { timeout: 10_000, interval: 100 }).toBe('CANCELLED');
  });

  describe('validation', () => {
    it('rejects the whole batch when one item is invalid, naming its index', async () => {
      const res = await postJson(`${stack.baseUrl}/v1/batches`, {
        requests: [image('ok'), image('bad', { width: 5000 })],
        options: { maxConcurrency: 2 },
      });
      expect(res.status).toBe(400);
      const error = res.body.error as { code: string; message: string; details: { index: number } };
      expect(error.code).toBe('INVALID_PARAMETERS');
      expect(error.message).toContain('requests[1]');
      expect(error.message).toContain('parameters.width');
      expect(error.details.index).toBe(1);
    });

    it('rejects an unknown model, an empty batch, too many items and bad options', async () => {
      const unknown = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [image('x'), { model: 'nope/x', prompt: 'x' }] });
      expect(unknown.status).toBe(400);
      expect((unknown.body.error as { message: string }).message).toContain('requests[1]');
      const empty = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [] });
      expect(empty.status).toBe(400);
      const tooMany = await postJson(`${stack.baseUrl}/v1/batches`, { requests: Array.from({ length: 10_001 }, () => ({ model: 'local/image', prompt: 'x' })) });
      expect(tooMany.status).toBe(400);
      expect((tooMany.body.error as { message: string }).message).toContain('requests');
      const badConcurrency = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [image('x')], options: { maxConcurrency: 0 } });
      expect(badConcurrency.status).toBe(400);
      expect((badConcurrency.body.error as { message: string }).message).toContain('maxConcurrency');
    });

    it('answers 404 for an unknown batch', async () => {
      const res = await apiFetch(`${stack.baseUrl}/v1/batches/00000000-0000-4000-8000-000000000000`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      const cancel = await postJson(`${stack.baseUrl}/v1/batches/not-an-id/cancel`, {});
      expect(cancel.status).toBe(404);
    });
  });
});
