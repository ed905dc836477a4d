import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { createWorkflowOutbox } from '../../runtime/workflow-outbox';
import { closeServer, listen } from '../../api/server';
import type { DbHandle } from '../../db/connect';
import { createBatchesRepo } from '../../db/batches-repo';
import { createGenerationsRepo } from '../../db/generations-repo';
import { createAccountsRepo } from '../../db/accounts-repo';
import { getJson, openTestDatabase, startStack, TEST_ADMIN_KEY, temporalAddress, testLogger, type Stack } from '../support/stack';

interface ReadyBody {
  status?: string;
  components?: Record<string, { ok: boolean; error?: string }>;
  providers?: Record<string, { ok: boolean; keys?: { usable: number } }>;
  error?: { code: string; message: string; details: { failing: string[]; components?: unknown } };
}

describe.skipIf(!temporalAddress)('health and readiness', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GENFLOW_OPENAI_API_KEYS: 'sk-test-one,sk-test-two' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers liveness without touching a dependency', async () => {
    const res = await getJson(`${stack.baseUrl}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('is ready with the database, Temporal, storage and each configured provider checked', async () => {
    const res = await getJson<ReadyBody>(`${stack.baseUrl}/health/ready`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
    expect(Object.keys(res.body.components ?? {}).sort()).toEqual(['database', 'storage', 'temporal']);
    expect(res.body.providers?.openai).toMatchObject({ ok: true, keys: { usable: 2 } });
    expect(res.body.providers?.local).toEqual({ ok: true });
    // Providers without keys are not offered, so they are not part of the answer.
    expect(res.body.providers?.replicate).toBeUndefined();
  });

  describe('when the database goes away', () => {
    const home = mkdtempSync(join(tmpdir(), 'genflow-health-'));
    let handle: DbHandle;
    let server: Server;
    let baseUrl: string;
    beforeAll(async () => {
      handle = await openTestDatabase(home);
      // The readiness check reads the current handle, so a reconnect can be simulated.
      const repo = { ...createGenerationsRepo(handle.db), ping: () => createGenerationsRepo(handle.db).ping() };
      const outbox = createWorkflowOutbox({ db: handle.db, temporal: stack.client, logger: testLogger, taskQueues: [stack.taskQueue] });
      const app = createApp({ repo, batches: createBatchesRepo(handle.db), storage: stack.storage, temporal: stack.client, outbox, logger: testLogger, bodyLimit: '1mb', accounts: createAccountsRepo(handle.db), adminApiKey: TEST_ADMIN_KEY });
      server = await listen(app, 0, '127.0.0.1');
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await closeServer(server);
      await handle.close().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    });

    it('answers 503 naming the database, stays alive, and recovers once it is back', async () => {
      expect((await getJson(`${baseUrl}/health/ready`)).status).toBe(200);
      await handle.close();

      await expect.poll(async () => (await getJson(`${baseUrl}/health/ready`)).status, { timeout: 10_000, interval: 250 }).toBe(503);
      const down = await getJson<ReadyBody>(`${baseUrl}/health/ready`);
      expect(down.body.error?.code).toBe('UNAVAILABLE');
      expect(down.body.error?.details.failing).toEqual(['database']);
      expect(down.body.error?.message).toContain('database');
      expect((await getJson(`${baseUrl}/health`)).status).toBe(200);

      handle = await openTestDatabase(home);
      await expect.poll(async () => (await getJson(`${baseUrl}/health/ready`)).status, { timeout: 10_000, interval: 250 }).toBe(200);
    });
  });
});

describe.skipIf(!temporalAddress)('readiness details for admins only', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('gives others the summary and admins the components', async () => {
    // Bare fetch: no key at all (the stack's helpers would send its admin key).
    const anonymous = await fetch(`${stack.baseUrl}/health/ready`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ready', checkedAt: expect.any(String) as string });
    const wrongKey = await fetch(`${stack.baseUrl}/health/ready`, { headers: { authorization: 'Bearer not-a-key' } });
    expect(Object.keys((await wrongKey.json()) as object).sort()).toEqual(['checkedAt', 'status']);

    const admin = await getJson<ReadyBody>(`${stack.baseUrl}/health/ready`, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
    expect(admin.status).toBe(200);
    expect(Object.keys(admin.body.components ?? {}).sort()).toEqual(['database', 'storage', 'temporal']);
  });
});
