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
