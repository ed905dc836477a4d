import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenflowSearchAttributes } from '../../domain/search-attributes';
import { createOutboxRepo } from '../../db/outbox-repo';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';
import { createWorkflowOutbox } from '../../runtime/workflow-outbox';
import { getJson, postJson, requestJson, startStack, temporalAddress, testLogger, waitForGeneration, type Stack } from '../support/stack';
import { TcpProxy } from '../support/tcp-proxy';
import { waitForBatch } from '../support/batch-stack';

const image = (prompt: string) => ({ model: 'local/image', prompt, parameters: { width: 64, height: 64 } });

/** Whether Temporal has a workflow with this id, asked of the run's server directly. */
async function workflowExists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * Submits answer from the database alone: the row and an outbox entry commit together, and a
 * dispatcher starts the workflow when Temporal can be reached. Temporal is made unreachable for
 * the API (its client goes through a proxy that is cut) while the worker keeps its own
 * connection, which is what a Temporal frontend outage looks like from the API's side.
 */
describe.skipIf(!temporalAddress)('submitting while Temporal is unreachable', () => {
  let proxy: TcpProxy;
  let stack: Stack;
  let direct: Connection;
  let client: Client;
  beforeAll(async () => {
    const [host, port] = temporalAddress!.split(':');
    proxy = await new TcpProxy(host!, Number(port)).start();
    stack = await startStack({ apiTemporalAddress: `127.0.0.1:${proxy.port}` });
    direct = await Connection.connect({ address: temporalAddress! });
    client = new Client({ connection: direct });
  });
  afterAll(async () => {
    proxy?.restore();
    await stack?.stop();
    await direct?.close();
    await proxy?.stop();
  });

  it('accepts (202 queued), reads, repeats and cancels; every accepted generation finishes once Temporal is back, the canceled one never starts', async () => {
    proxy.cut();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await postJson(`${stack.baseUrl}/v1/generations`, image(`outbox while down ${i}`));
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('queued');
      ids.push(res.body.id as string);
    }
    const key = `outbox-key-${randomUUID()}`;
    const keyed = await postJson(`${stack.baseUrl}/v1/generations`, image('outbox keyed while down'), { 'Idempotency-Key': key });
    expect(keyed.status).toBe(202);
    const repeated = await postJson(`${stack.baseUrl}/v1/generations`, image('outbox keyed while down'), { 'Idempotency-Key': key });
    expect(repeated.status).toBe(200);
    expect(repeated.body.id).toBe(keyed.body.id);
    ids.push(keyed.body.id as string);

    // Reads come from the database: they work, and show the generations waiting.
    for (const id of ids) {
      const read = await getJson<{ status: string }>(`${stack.baseUrl}/v1/generations/${id}`);
      expect(read.status).toBe(200);
      expect(read.body.status).toBe('queued');
    }
    // The dispatcher has tried meanwhile (and failed): nothing started, nothing was lost.
    await new Promise((r) => setTimeout(r, 1_500));
    for (const id of ids) expect((await getJson<{ status: string }>(`${stack.baseUrl}/v1/generations/${id}`)).body.status).toBe('queued');

    // Canceled before it started: final without Temporal (at once, or when the start being
    // tried right now gives up).
    const victim = ids.shift()!;
    const canceled = await requestJson('POST', `${stack.baseUrl}/v1/generations/${victim}/cancel`);
    expect(canceled.status).toBe(202);
    expect((await waitForGeneration(stack.baseUrl, victim, undefined, 15_000)).status).toBe('canceled');

    // Batches wait in the same outbox: one is canceled before it starts, the other runs later.
    const batches: string[] = [];
    for (const n of [0, 1]) {
      const res = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [image(`outbox batch ${n} a`), image(`outbox batch ${n} b`)] });
      expect(res.status).toBe(202);
      batches.push(res.body.id as string);
    }
    expect((await requestJson('POST', `${stack.baseUrl}/v1/batches/${batches[0]}/cancel`)).status).toBe(202);
    const canceledBatch = await waitForBatch(stack.baseUrl, batches[0]!, undefined, 15_000);
    expect(canceledBatch.status).toBe('canceled');
    expect(canceledBatch.items.map((i) => i.status)).toEqual(['canceled', 'canceled']);

    proxy.restore();
    const ranBatch = await waitForBatch(stack.baseUrl, batches[1]!, undefined, 90_000);
    expect(ranBatch.status).toBe('succeeded');
    expect(await workflowExists(client, `batch_${batches[0]}`)).toBe(false);
    const done = await Promise.all(ids.map((id) => waitForGeneration(stack.baseUrl, id, undefined, 90_000)));
    expect(done.map((g) => g.status)).toEqual(ids.map(() => 'succeeded'));
    // Started with their search attributes, though the first check met Temporal away.
    const described = await client.workflow.getHandle(`gen_${ids[0]}`).describe();
    expect(described.typedSearchAttributes.get(GenflowSearchAttributes.model)).toBe('local/image');
    expect(described.typedSearchAttributes.get(GenflowSearchAttributes.provider)).toBe('local');
    // The canceled one stays canceled and its workflow was never started.
    expect((await getJson<{ status: string }>(`${stack.baseUrl}/v1/generations/${victim}`)).body.status).toBe('canceled');
    expect(await workflowExists(client, `gen_${victim}`)).toBe(false);
    // The key still answers the same generation, now finished.
    const again = await postJson(`${stack.baseUrl}/v1/generations`, image('outbox keyed while down'), { 'Idempotency-Key': key });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: keyed.body.id, status: 'succeeded' });
  }, 180_000);
});

describe.skipIf(!temporalAddress)('a dispatcher that dies holding entries', () => {
  let stack: Stack;
  beforeAll(async () => {
    // No dispatcher yet: submits are committed and wait, as when the process dies right after its commits.
    stack = await startStack({ dispatch: false, outbox: { pollMs: 100 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('loses nothing: once its lease runs out another dispatcher starts them, each once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postJson(`${stack.baseUrl}/v1/generations`, image(`outbox orphan ${i}`));
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    // A dispatcher claims them and dies before starting any (it never comes back).
    const claimed = await createOutboxRepo(stack.db.db, [stack.taskQueue]).claim(10, 1_500, `dead-${randomUUID()}`);
    expect(claimed.map((e) => e.generation_id).sort()).toEqual([...ids].sort());

    stack.outbox.start();
    const done = await Promise.all(ids.map((id) => waitForGeneration(stack.baseUrl, id, undefined, 60_000)));
    expect(done.map((g) => g.status)).toEqual(ids.map(() => 'succeeded'));
    for (const id of ids) {
      const history = await stack.client.workflow.getHandle(`gen_${id}`).fetchHistory();
      expect(history.events?.filter((e) => e.workflowExecutionStartedEventAttributes).length).toBe(1);
    }
    expect(await createOutboxRepo(stack.db.db, [stack.taskQueue]).backlog(100)).toBe(0);
  }, 120_000);
});

describe.skipIf(!temporalAddress)('a dispatcher that claims ahead', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dispatch: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('hands back what it claimed and did not start when it stops: another dispatcher can take it at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await postJson(`${stack.baseUrl}/v1/generations`, image(`outbox ahead ${i}`));
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    const repo = createOutboxRepo(stack.db.db, [stack.taskQueue]);
    // Two starts at once, two a second: it claims the two it starts plus two ahead.
    const outbox = createWorkflowOutbox({ db: stack.db.db, temporal: stack.client, logger: testLogger, taskQueues: [stack.taskQueue], settings: { concurrency: 2, startRate: 2, pollMs: 60_000 } });
    outbox.start();
    await expect.poll(async () => (await repo.backlog(100)) <= 4, { timeout: 30_000, interval: 20 }).toBe(true);
    await outbox.stop();
    const waiting = await repo.backlog(100);
    expect(waiting).toBeGreaterThanOrEqual(1);
    // No entry is left under the stopped dispatcher's lease (30 s): all that wait are claimable now.
    const next = await repo.claim(100, 30_000, `next-${randomUUID()}`);
    expect(next).toHaveLength(waiting);
    // A hand-back is not an attempt: only the claims that started something count.
    expect(next.every((e) => e.attempts === 1)).toBe(true);
  }, 60_000);
});

describe.skipIf(!temporalAddress)('back-pressure', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Nothing dispatches, so the backlog only grows: the limit is what a submit meets.
    stack = await startStack({ dispatch: false, outbox: { maxBacklog: 3, startRate: 1 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 429 RATE_LIMITED with Retry-After past the backlog limit; a repeated key is still answered', async () => {
    const key = `outbox-bp-${randomUUID()}`;
    const first = await postJson(`${stack.baseUrl}/v1/generations`, image('backlog 0'), { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    for (let i = 1; i < 3; i++) expect((await postJson(`${stack.baseUrl}/v1/generations`, image(`backlog ${i}`))).status).toBe(202);
    // The backlog count is cached briefly; past that it is read again.
    await new Promise((r) => setTimeout(r, 300));
    const refused = await postJson(`${stack.baseUrl}/v1/generations`, image('backlog over'));
    expect(refused.status).toBe(429);
    expect((refused.body.error as { code: string }).code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const repeat = await postJson(`${stack.baseUrl}/v1/generations`, image('backlog 0'), { 'Idempotency-Key': key });
    expect(repeat.status).toBe(200);
    expect(repeat.body.id).toBe(first.body.id);
    // Batches wait in the same outbox, so they meet the same limit.
    const batch = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [image('batch item')] });
    expect(batch.status).toBe(429);

    // Dispatching drains the backlog; submits are accepted again.
    stack.outbox.start();
    await waitForGeneration(stack.baseUrl, first.body.id as string, undefined, 60_000);
    await expect
      .poll(async () => (await postJson(`${stack.baseUrl}/v1/generations`, image('backlog drained'))).status, { timeout: 30_000, interval: 500 })
      .toBe(202);
  }, 120_000);
});

/**
 * The genflow process is SIGKILLed after accepting submits it could not start (Temporal was
 * unreachable): a new process on the same data starts them.
 */
describe.skipIf(!temporalAddress)('a genflow process killed between commit and start', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-outbox-kill-'));
  let proxy: TcpProxy;
  let current: DevProcess | undefined;
  beforeAll(async () => {
    const [host, port] = temporalAddress!.split(':');
    proxy = await new TcpProxy(host!, Number(port)).start();
  });
  afterAll(async () => {
    if (current) await kill(current.child, 'SIGTERM');
    await proxy?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('starts what the dead process accepted', async () => {
    const env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
      GENFLOW_HOME: join(home, 'genflow'),
      GENFLOW_TASK_QUEUE: `outbox-kill-${randomUUID()}`,
      // The test's own database when DATABASE_URL is set (shared by both processes), else PGlite under GENFLOW_HOME.
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    };
    current = await startDevProcess(env);
    proxy.cut();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postJson(`${current.baseUrl}/v1/generations`, image(`accepted then killed ${i}`));
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    await kill(current.child, 'SIGKILL');
    current = undefined;
    proxy.restore();

    current = await startDevProcess(env);
    const done = await Promise.all(ids.map((id) => waitForGeneration(current!.baseUrl, id, undefined, 90_000)));
    expect(done.map((g) => g.status)).toEqual(ids.map(() => 'succeeded'));
  }, 240_000);
});
