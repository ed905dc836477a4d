import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/connect';
import { createGenerationsRepo, type GenerationsRepo } from '../../db/generations-repo';
import { createOutboxRepo } from '../../db/outbox-repo';
import type { NewGeneration } from '../../db/schema';
import type { Admission } from '../../domain/accounts';
import { openTestDatabase } from '../support/stack';

/**
 * A submit with nothing to check (no concurrency limit, no budget) writes its row, its ledger
 * reservation and its outbox entry in one statement (db/generations-repo.ts): all or nothing.
 */
describe('the submit write without checks', () => {
  let home: string;
  let db: DbHandle;
  let repo: GenerationsRepo;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'genflow-submit-write-'));
    db = await openTestDatabase(home);
    repo = createGenerationsRepo(db.db);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const row = (id: string, key: string | null, cost = 0.04): NewGeneration => ({
    id, workflow_id: `gen_${id}`, model: 'openai/gpt-image-1', provider: 'openai', kind: 'text-to-image', status: 'queued',
    prompt: 'p', parameters: '{}', input_images: '[]', number_of_outputs: 1, provider_task_id: null, error_code: null,
    error_message: null, error_details: null, idempotency_key: key, request_hash: 'h', started_at: null, completed_at: null, estimated_cost: cost,
  });
  const start = (id: string) => ({ workflowId: `gen_${id}`, workflowType: 'generationWorkflow' as const, taskQueue: `q-${id}`, args: [{ generationId: id }], searchAttributes: {}, generationId: id });
  const ledgerRows = async (keyId: string) =>
    (await sql<{ generation_id: string; reserved_micros: string }>`select generation_id, reserved_micros from usage_ledger where key_id = ${keyId}`.execute(db.db)).rows;

  it('writes the row, its reservation and its outbox entry; a repeated Idempotency-Key writes none of them again', async () => {
    const admission: Admission = { keyId: `k-${randomUUID()}`, owner: 'o', maxConcurrentGenerations: null, budgeted: false };
    const key = `idem-${randomUUID()}`;
    const first = randomUUID();
    const created = await repo.insert(row(first, key), admission, undefined, start(first));
    expect(created).toMatchObject({ created: true, row: { id: first, status: 'queued' } });
    const ledger = await ledgerRows(admission.keyId);
    expect(ledger.map((l) => [l.generation_id, Number(l.reserved_micros)])).toEqual([[first, 40_000]]);
    expect((await createOutboxRepo(db.db, [`q-${first}`]).find(`gen_${first}`))?.generation_id).toBe(first);

    const second = randomUUID();
    const repeated = await repo.insert(row(second, key), admission, undefined, start(second));
    expect(repeated).toMatchObject({ created: false, row: { id: first } });
    expect(await ledgerRows(admission.keyId)).toHaveLength(1);
    expect(await createOutboxRepo(db.db, [`q-${second}`]).find(`gen_${second}`)).toBeUndefined();
    expect(await repo.findById(second)).toBeUndefined();
  });
});

/**
 * Concurrent submits with nothing to check share statements (group commit,
 * db/grouped-inserts.ts): each still gets its own row, reservation and entry, committed before
 * its insert returns; a repeated Idempotency-Key among them gets the first row; one row that
 * cannot be written fails alone.
 */
describe('the submit write, many at once', () => {
  let home: string;
  let db: DbHandle;
  let statements = 0;
  let repo: GenerationsRepo;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'genflow-submit-group-'));
    db = await openTestDatabase(home);
    // Every statement this repo sends, counted where Kysely hands it to the driver.
    const counted = db.db.withPlugin({
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    });
    repo = createGenerationsRepo(counted);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const row = (id: string, key: string | null, extra: Partial<NewGeneration> = {}): NewGeneration => ({
    id, workflow_id: `gen_${id}`, model: 'openai/gpt-image-1', provider: 'openai', kind: 'text-to-image', status: 'queued',
    prompt: `p ${id}`, parameters: '{}', input_images: '[]', number_of_outputs: 1, provider_task_id: null, error_code: null,
    error_message: null, error_details: null, idempotency_key: key, request_hash: 'h', started_at: null, completed_at: null, estimated_cost: 0.04,
    ...extra,
  });
  const start = (id: string, queue: string) => ({ workflowId: `gen_${id}`, workflowType: 'generationWorkflow' as const, taskQueue: queue, args: [{ generationId: id, n: [1, 2] }], searchAttributes: { model: 'openai/gpt-image-1' }, generationId: id });

  it('writes 100 concurrent submits in a few statements, each with its reservation and outbox entry in order', async () => {
    const admission: Admission = { keyId: `k-${randomUUID()}`, owner: 'o', maxConcurrentGenerations: null, budgeted: false };
    const queue = `q-${randomUUID()}`;
    const ids = Array.from({ length: 100 }, () => randomUUID());
    statements = 0;
    const results = await Promise.all(ids.map((id) => repo.insert(row(id, `idem-${id}`), admission, undefined, start(id, queue))));
    expect(statements).toBeLessThanOrEqual(10);
    expect(results.map((r) => [r.created, r.row.id])).toEqual(ids.map((id) => [true, id]));
    const ledger = (await sql<{ generation_id: string; reserved_micros: string; state: string }>`select generation_id, reserved_micros, state from usage_ledger where key_id = ${admission.keyId}`.execute(db.db)).rows;
    expect(new Set(ledger.map((l) => l.generation_id))).toEqual(new Set(ids));
    expect(ledger.every((l) => Number(l.reserved_micros) === 40_000 && l.state === 'reserved')).toBe(true);
    // The dispatcher claims oldest first: the entries are in the order the submits came.
    const entries = await createOutboxRepo(db.db, [queue]).claim(1_000, 30_000, 'test');
    expect(entries.map((e) => e.generation_id)).toEqual(ids);
    expect(entries[0]!.args).toEqual([{ generationId: ids[0], n: [1, 2] }]);
    expect(entries[0]!.search_attributes).toEqual({ model: 'openai/gpt-image-1' });
  });

  it('answers a repeated Idempotency-Key in the same moment with the first row, and fails a bad row alone', async () => {
    const admission: Admission = { keyId: `k-${randomUUID()}`, owner: 'o', maxConcurrentGenerations: null, budgeted: false };
    const queue = `q-${randomUUID()}`;
    const key = `idem-${randomUUID()}`;
    const [a, b, good, bad] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const results = await Promise.allSettled([
      repo.insert(row(a, key), admission, undefined, start(a, queue)),
      repo.insert(row(b, key), admission, undefined, start(b, queue)),
      repo.insert(row(good, null), admission, undefined, start(good, queue)),
      // An experiment that does not exist: its foreign key refuses this row, and only this row.
      repo.insert(row(bad, null, { experiment_id: `missing-${randomUUID()}` }), admission, undefined, start(bad, queue)),
    ]);
    // Either may come first; the other is answered with its row, and only one is written.
    const [ra, rb] = [results[0], results[1]];
    if (ra.status !== 'fulfilled' || rb.status !== 'fulfilled') throw new Error('a repeated key was refused');
    const first = ra.value.created ? a : b;
    expect([ra.value.created, rb.value.created].sort()).toEqual([false, true]);
    expect([ra.value.row.id, rb.value.row.id]).toEqual([first, first]);
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: { created: true, row: { id: good } } });
    expect(results[3].status).toBe('rejected');
    expect(await repo.findById(first === a ? b : a)).toBeUndefined();
    expect(await repo.findById(bad)).toBeUndefined();
    const entries = await createOutboxRepo(db.db, [queue]).claim(10, 30_000, 'test');
    expect(entries.map((e) => e.generation_id).sort()).toEqual([first, good].sort());
    const ledger = (await sql<{ generation_id: string }>`select generation_id from usage_ledger where key_id = ${admission.keyId}`.execute(db.db)).rows;
    expect(ledger.map((l) => l.generation_id).sort()).toEqual([first, good].sort());
  });
});
