import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerationActivities } from '../../activities/generation-activities';
import { createAccountsRepo, type AccountsRepo } from '../../db/accounts-repo';
import { createBatchesRepo } from '../../db/batches-repo';
import type { DbHandle } from '../../db/connect';
import { createGenerationsRepo, type GenerationsRepo } from '../../db/generations-repo';
import type { NewGeneration } from '../../db/schema';
import type { Admission } from '../../domain/accounts';
import { GenflowError } from '../../domain/errors';
import { LocalDiskStorage } from '../../media/storage/local-disk';
import { createProviderGateway } from '../../providers/provider-gateway';
import { openTestDatabase, testLogger } from '../support/stack';

/**
 * The money ledger against the database (PGlite, or the run's Postgres): reservations on
 * insert, settlement in the workflow's bookkeeping activity, and what happens when that
 * activity is retried or runs twice for one generation.
 */
describe('the reserve / settle / release ledger', () => {
  let home: string;
  let db: DbHandle;
  let repo: GenerationsRepo;
  let accounts: AccountsRepo;
  let activities: ReturnType<typeof createGenerationActivities>;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'genflow-ledger-'));
    db = await openTestDatabase(home);
    repo = createGenerationsRepo(db.db);
    accounts = createAccountsRepo(db.db);
    const storage = new LocalDiskStorage(join(home, 'media'));
    activities = createGenerationActivities({ repo, storage, providers: createProviderGateway({ dataDir: home, env: {} }), logger: testLogger });
  });
  afterAll(async () => {
    await db?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** A key of its own per test (a shared Postgres keeps other runs' rows). */
  async function newKey(budgetTotalUsd?: number): Promise<Admission> {
    const id = randomUUID();
    const owner = `ledger-${id}`;
    await accounts.insertKey({
      id,
      name: 'ledger test',
      keyHash: `hash-${id}`,
      keyPrefix: 'gf_test',
      role: 'user',
      owner,
      budgetMicros: budgetTotalUsd === undefined ? {} : { total: Math.round(budgetTotalUsd * 1e6) },
    });
    return { keyId: id, owner, maxConcurrentGenerations: null };
  }

  function generation(cost: number, admission: Admission, extra: Partial<NewGeneration> = {}): NewGeneration {
    const id = randomUUID();
    return {
      id,
      workflow_id: `gen_${id}`,
      model: 'acme/image',
      provider: 'acme',
      kind: 'text-to-image',
      status: 'queued',
      prompt: 'a ledger test',
      parameters: '{}',
      input_images: '[]',
      number_of_outputs: 1,
      provider_task_id: null,
      error_code: null,
      error_message: null,
      error_details: null,
      idempotency_key: null,
      request_hash: id,
      started_at: null,
      completed_at: null,
      estimated_cost: cost,
      owner: admission.owner,
      api_key_id: admission.keyId,
      ...extra,
    };
  }

  async function ledger(keyId: string) {
    const rows = await db.db.selectFrom('usage_ledger').selectAll().where('key_id', '=', keyId).execute();
    const sum = (state: string, column: 'reserved_micros' | 'settled_micros') =>
      rows.filter((r) => r.state === state).reduce((s, r) => s + Number(r[column]), 0);
    return { rows, settled: sum('settled', 'settled_micros'), reserved: sum('reserved', 'reserved_micros'), released: sum('released', 'reserved_micros') };
  }

  async function succeededCostMicros(owner: string): Promise<number> {
    const rows = await db.db.selectFrom('generations').select('cost').where('owner', '=', owner).where('status', '=', 'succeeded').execute();
    return rows.reduce((s, r) => s + Math.round(Number(r.cost) * 1e6), 0);
  }

  it('settles a success once, releases failures and cancels, under retries and duplicate calls', async () => {
    const key = await newKey();
    const costs = [0.1, 0.2, 0.3, 0.07, 0.011];
    const ids: string[] = [];
    for (const cost of costs) ids.push((await repo.insert(generation(cost, key), key)).row.id);
    expect((await ledger(key.keyId)).reserved).toBe(670_000 + 11_000);

    const [ok, failed, canceled, okToo, lateDuplicate] = ids as [string, string, string, string, string];
    await activities.finishGeneration(ok, 'succeeded');
    // The activity retried after it had committed (e.g. the worker died before reporting).
    await activities.finishGeneration(ok, 'succeeded');
    await activities.finishGeneration(failed, 'failed', { code: 'PROVIDER_ERROR', message: 'boom' });
    // A late, contradicting call (a duplicate webhook that woke a second bookkeeping run).
    await activities.finishGeneration(failed, 'succeeded');
    await activities.finishGeneration(canceled, 'canceled', { code: 'CANCELED', message: 'canceled' });
    await activities.finishGeneration(okToo, 'succeeded');
    await Promise.all([activities.finishGeneration(lateDuplicate, 'succeeded'), activities.finishGeneration(lateDuplicate, 'succeeded')]);

    const after = await ledger(key.keyId);
    expect(after.rows.map((r) => r.state).sort()).toEqual(['released', 'released', 'settled', 'settled', 'settled']);
    expect(after.settled).toBe(await succeededCostMicros(key.owner));
    expect(after.settled).toBe(100_000 + 70_000 + 11_000);
    expect(after.released).toBe(200_000 + 300_000);
    expect(after.reserved).toBe(0);
    expect((await repo.findById(failed))?.status).toBe('failed');
  });

  it('refuses a reservation over the budget, and a release makes room again', async () => {
    const key = await newKey(0.5);
    const first = (await repo.insert(generation(0.2, key), key)).row.id;
    await repo.insert(generation(0.2, key), key);
    const refused = await repo.insert(generation(0.2, key), key).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GenflowError);
    expect(refused).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { budget: 'total', limitUsd: 0.5, spentUsd: 0.4, requestedUsd: 0.2 } });
    // Nothing of the refused request was written.
    expect((await ledger(key.keyId)).rows).toHaveLength(2);
    expect(await db.db.selectFrom('generations').select('id').where('api_key_id', '=', key.keyId).execute()).toHaveLength(2);

    await activities.finishGeneration(first, 'failed', { code: 'PROVIDER_ERROR', message: 'boom' });
    await expect(repo.insert(generation(0.2, key), key)).resolves.toMatchObject({ created: true });
  });

  it('admits concurrent submits one at a time: they cannot overspend together', async () => {
    const key = await newKey(0.5);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => repo.insert(generation(0.2, key), key)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r.reason as GenflowError).code)).toEqual(Array(4).fill('QUOTA_EXCEEDED'));
    expect((await ledger(key.keyId)).reserved).toBe(400_000);
  });

  it('reserves a whole batch up front and releases the items its cancellation never started', async () => {
    const key = await newKey(1);
    const batches = createBatchesRepo(db.db);
    const batchId = randomUUID();
    const items = [0.25, 0.25, 0.25].map((cost, index) => generation(cost, key, { batch_id: batchId, batch_index: index }));
    const batch = { id: batchId, workflow_id: `batch_${batchId}`, status: 'running', total: 3, max_concurrency: 1, stop_on_error: false, webhook_url: null, estimated_cost: 0.75, actual_cost: null, completed_at: null, owner: key.owner, api_key_id: key.keyId };
    await batches.insert(batch, items, 2, key);
    // A second batch of the same cost does not fit the remaining 0.25.
    const second = { ...batch, id: randomUUID(), workflow_id: `batch_${randomUUID()}` };
    const again = items.map((i) => ({ ...i, id: randomUUID(), batch_id: second.id }));
    await expect(batches.insert(second, again, 2, key)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });

    await activities.finishGeneration(items[0]!.id, 'succeeded');
    expect(await batches.cancelUnstarted(batchId, 1, { code: 'CANCELED', message: 'canceled with its batch' })).toBe(2);
    expect(await batches.cancelUnstarted(batchId, 1, { code: 'CANCELED', message: 'canceled with its batch' })).toBe(0);
    const after = await ledger(key.keyId);
    expect(after).toMatchObject({ settled: 250_000, released: 500_000, reserved: 0 });
    expect(after.settled).toBe(await succeededCostMicros(key.owner));
  });
});
