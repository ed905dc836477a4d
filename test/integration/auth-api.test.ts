import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import { AcmeFake, acmeYaml } from '../fakes/custom-http';
import { capturingLogs } from '../support/capture-logs';
import { apiFetch, getGeneration, postJson, startStack, TEST_ADMIN_KEY, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/**
 * API keys, ownership, mass assignment, per-key limits and money, over HTTP against the real
 * stack. Priced requests go to "Acme" (a custom HTTP provider declared in YAML, served by a
 * local fake): acme/image costs 0.02 per image, acme/render 0.05 (an async task the test can
 * hold open, fail or let finish). Everything logged during the suite is kept and searched for
 * the keys at the end.
 */
describe.skipIf(!temporalAddress)('accounts: keys, ownership, limits and money', () => {
  const providerKey = `sk-acme-${randomUUID()}`;
  const fake = new AcmeFake({ keys: [providerKey] });
  const logs = capturingLogs();
  const keys: string[] = [TEST_ADMIN_KEY];
  let dir: string;
  let stack: Stack;
  let url: string;

  async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string; owner: string }> {
    const res = await postJson(`${url}/v1/api-keys`, body);
    expect(res.status).toBe(201);
    const created = res.body as { id: string; key: string; owner: string };
    keys.push(created.key);
    return created;
  }

  async function call(path: string, key: string | undefined, init: RequestInit = {}) {
    const res = await fetch(`${url}${path}`, { ...init, headers: { ...(key ? bearer(key) : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: (text ? JSON.parse(text) : {}) as { error?: { code: string; message: string; details?: Record<string, unknown> } } & Record<string, unknown> };
  }

  async function submit(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    return postJson(`${url}/v1/generations`, body, { ...bearer(key), ...headers });
  }

  const render = (prompt = 'a slow render') => ({ model: 'acme/render', prompt });

  beforeAll(async () => {
    logs.start();
    await fake.start();
    fake.pollsToComplete = 1_000_000;
    dir = mkdtempSync(join(tmpdir(), 'genflow-auth-'));
    const file = join(dir, 'providers.yaml');
    writeFileSync(file, acmeYaml(fake.url).replace('        expectedDurationSeconds: 1\n', '        pricePerOutput: 0.05\n        expectedDurationSeconds: 1\n'));
    stack = await startStack({
      logger: logs.logger,
      env: { GENFLOW_CUSTOM_PROVIDERS: file, GENFLOW_ACME_API_KEYS: providerKey },
      keyLimits: { requestsPerMinute: 10_000, maxConcurrentGenerations: 50 },
    });
    url = stack.baseUrl;
  });
  afterAll(async () => {
    await stack?.stop();
    logs.stop();
    await fake.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('401 without a key, with an unknown key and with a revoked key; health and assets need none', async () => {
    const missing = await call('/v1/generations', undefined);
    expect(missing.status).toBe(401);
    expect(missing.body.error?.code).toBe('AUTHENTICATION_FAILED');
    const bogus = `gf_${randomUUID()}`;
    const unknown = await call('/v1/generations', bogus);
    expect(unknown.status).toBe(401);
    expect(unknown.text).not.toContain(bogus);
    // X-API-Key works like Bearer.
    expect((await fetch(`${url}/v1/generations`, { headers: { 'x-api-key': TEST_ADMIN_KEY } })).status).toBe(200);

    const temp = await createKey({ name: 'temporary', role: 'user' });
    expect((await call('/v1/generations', temp.key)).status).toBe(200);
    const revoke = await apiFetch(`${url}/v1/api-keys/${temp.id}`, { method: 'DELETE' });
    expect(revoke.status).toBe(200);
    expect(((await revoke.json()) as { revokedAt?: string }).revokedAt).toBeDefined();
    const revoked = await call('/v1/generations', temp.key);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error?.code).toBe('AUTHENTICATION_FAILED');

    // The key was in its creation answer only: the list shows a prefix, never the key.
    const list = await apiFetch(`${url}/v1/api-keys`);
    const listed = await list.text();
    expect(listed).toContain(temp.id);
    expect(listed).not.toContain(temp.key);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const done = await waitForGeneration(url, (await postJson(`${url}/v1/generations`, { model: 'local/image', prompt: 'open asset', parameters: { width: 64, height: 64 } })).body.id as string);
    expect((await fetch(done.outputs[0]!.url)).status).toBe(200);
  });

  it('403 for a user key on admin routes', async () => {
    const user = await createKey({ name: 'plain user', role: 'user' });
    for (const [path, init] of [
      ['/v1/api-keys', {}],
      ['/v1/api-keys', { method: 'POST', body: JSON.stringify({ name: 'escalate', role: 'admin' }) }],
      [`/v1/api-keys/${user.id}`, { method: 'DELETE' }],
      ['/v1/experiments', {}],
      ['/v1/providers', {}],
      ['/v1/usage?owner=admin', {}],
    ] as const) {
      const res = await call(path, user.key, init);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 403, code: 'FORBIDDEN' });
    }
    // The page answers its key form (HTML) instead.
    expect((await fetch(`${url}/admin/experiments`, { headers: bearer(user.key) })).status).toBe(403);
  });

  it("a user key sees, cancels, rates and deletes only its owner's generations and batches; others answer 404", async () => {
    const a = await createKey({ name: 'alice', role: 'user', owner: `alice-${randomUUID()}` });
    const a2 = await createKey({ name: 'alice, second key', role: 'user', owner: a.owner });
    const b = await createKey({ name: 'bob', role: 'user' });

    const finished = await submit(a.key, { model: 'local/image', prompt: 'alice owns this', parameters: { width: 64, height: 64 } });
    expect(finished.status).toBe(202);
    const doneId = finished.body.id as string;
    await waitForGeneration(url, doneId, undefined, 60_000);
    const running = await submit(a.key, render());
    const runningId = running.body.id as string;

    for (const id of [doneId, runningId]) {
      for (const [path, init] of [
        [`/v1/generations/${id}`, {}],
        [`/v1/generations/${id}/events`, {}],
        [`/v1/generations/${id}/cancel`, { method: 'POST' }],
        [`/v1/generations/${id}/rating`, { method: 'POST', body: JSON.stringify({ rating: 5 }) }],
        [`/v1/generations/${id}`, { method: 'DELETE' }],
      ] as const) {
        const res = await call(path, b.key, init);
        expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 404, code: 'NOT_FOUND' });
      }
    }
    const bList = await call('/v1/generations?limit=100', b.key);
    expect((bList.body.data as GenerationView[]).map((g) => g.id)).not.toContain(doneId);
    // Another key of the same owner sees both; the admin sees them too.
    const aList = await call('/v1/generations?limit=100', a2.key);
    expect((aList.body.data as GenerationView[]).map((g) => g.id)).toEqual(expect.arrayContaining([doneId, runningId]));
    expect((await getGeneration(url, runningId)).status).not.toBe('canceled');
    const adminList = await apiFetch(`${url}/v1/generations?owner=${encodeURIComponent(a.owner)}&limit=100`);
    expect(((await adminList.json()) as { data: GenerationView[] }).data.map((g) => g.id).sort()).toEqual([doneId, runningId].sort());

    // The owner can do all of it.
    expect((await call(`/v1/generations/${doneId}/rating`, a2.key, { method: 'POST', body: JSON.stringify({ rating: 4 }) })).status).toBe(200);
    expect((await call(`/v1/generations/${runningId}/cancel`, a.key, { method: 'POST' })).status).toBe(202);
    expect((await call(`/v1/generations/${doneId}`, a.key, { method: 'DELETE' })).status).toBe(204);

    // The same Idempotency-Key from two owners makes two generations, not a shared one.
    const idem = { 'idempotency-key': `shared-${randomUUID()}` };
    const fromA = await submit(a.key, { model: 'local/speech', prompt: 'one' }, idem);
    const fromB = await submit(b.key, { model: 'local/speech', prompt: 'one' }, idem);
    expect([fromA.status, fromB.status]).toEqual([202, 202]);
    expect(fromA.body.id).not.toBe(fromB.body.id);

    // Batches.
    const batch = await postJson(`${url}/v1/batches`, { requests: [{ model: 'local/speech', prompt: 'batch item' }] }, bearer(a.key));
    expect(batch.status).toBe(202);
    const batchId = batch.body.id as string;
    for (const [path, init] of [[`/v1/batches/${batchId}`, {}], [`/v1/batches/${batchId}/cancel`, { method: 'POST' }]] as const) {
      expect((await call(path, b.key, init)).status).toBe(404);
    }
    expect((await call(`/v1/batches/${batchId}`, a2.key)).status).toBe(200);
  });

  it('takes no owner, status, cost or id from a body', async () => {
    const a = await createKey({ name: 'mallory', role: 'user' });
    const b = await createKey({ name: 'victim', role: 'user', owner: `victim-${randomUUID()}` });
    const base = { model: 'local/speech', prompt: 'mass assignment' };
    for (const extra of [{ owner: b.owner }, { status: 'succeeded' }, { cost: 0 }, { estimatedCost: 0 }, { id: randomUUID() }, { apiKeyId: b.id }]) {
      const res = await submit(a.key, { ...base, ...extra });
      const field = Object.keys(extra)[0]!;
      expect({ field, status: res.status, code: (res.body.error as { code: string }).code }).toEqual({ field, status: 400, code: 'INVALID_REQUEST' });
    }
    // Free-form metadata is the caller's own data: an `owner` there changes nothing.
    const tagged = await submit(a.key, { ...base, metadata: { owner: b.owner } });
    expect(tagged.status).toBe(202);
    expect((await call(`/v1/generations/${tagged.body.id as string}`, b.key)).status).toBe(404);
    expect((await call('/v1/batches', a.key, { method: 'POST', body: JSON.stringify({ requests: [base], owner: b.owner }) })).status).toBe(400);
    expect((await call('/v1/batches', a.key, { method: 'POST', body: JSON.stringify({ requests: [{ ...base, status: 'succeeded' }] }) })).status).toBe(400);
    // Nor does key creation take what the server decides.
    for (const extra of [{ id: randomUUID() }, { key: 'gf_chosen' }, { keyHash: 'x' }, { revokedAt: null }]) {
      expect((await postJson(`${url}/v1/api-keys`, { name: 'x', role: 'user', ...extra })).status).toBe(400);
    }
  });

  it('429 with Retry-After past a key\u2019s requests per minute, and past its concurrent generations', async () => {
    const limited = await createKey({ name: 'rpm', role: 'user', rateLimit: { requestsPerMinute: 3 } });
    const other = await createKey({ name: 'neighbour', role: 'user' });
    // Fixed one-minute windows: even across a window boundary a 429 comes within 2 × 3 + 1 requests.
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 7 && !refused; i++) {
      const res = await call('/v1/generations?limit=1', limited.key);
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(refused?.body.error?.code).toBe('RATE_LIMITED');
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await call('/v1/generations?limit=1', other.key)).status).toBe(200);

    const single = await createKey({ name: 'one at a time', role: 'user', rateLimit: { maxConcurrentGenerations: 1 } });
    const first = await submit(single.key, render());
    expect(first.status).toBe(202);
    const second = await submit(single.key, render());
    expect(second.status).toBe(429);
    expect((second.body.error as { code: string }).code).toBe('RATE_LIMITED');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await call(`/v1/generations/${first.body.id as string}/cancel`, single.key, { method: 'POST' })).status).toBe(202);
    await waitForGeneration(url, first.body.id as string);
    const third = await submit(single.key, render());
    expect(third.status).toBe(202);
    await call(`/v1/generations/${third.body.id as string}/cancel`, single.key, { method: 'POST' });
  });

  it('QUOTA_EXCEEDED once the budget is spent, before any provider call', async () => {
    const thrifty = await createKey({ name: 'thrifty', role: 'user', budget: { total: 0.05 } });
    for (let i = 0; i < 2; i++) {
      const ok = await submit(thrifty.key, { model: 'acme/image', prompt: `paid ${i}` });
      expect(ok.status).toBe(202);
      expect((await waitForGeneration(url, ok.body.id as string)).status).toBe('succeeded');
    }
    const calls = fake.server.requests.length;
    const over = await submit(thrifty.key, { model: 'acme/image', prompt: 'one too many' });
    expect(over.status).toBe(402);
    expect(over.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { budget: 'total', limitUsd: 0.05, spentUsd: 0.04, requestedUsd: 0.02 } });
    const batch = await postJson(`${url}/v1/batches`, { requests: [{ model: 'acme/image', prompt: 'batched' }] }, bearer(thrifty.key));
    expect((batch.body.error as { code: string }).code).toBe('QUOTA_EXCEEDED');
    // Free models still run.
    expect((await submit(thrifty.key, { model: 'local/speech', prompt: 'free' })).status).toBe(202);
    expect(fake.server.requests.length).toBe(calls);
  });

  it('settles successes at their cost and releases failures and cancels; GET /v1/usage shows it', async () => {
    const payer = await createKey({ name: 'payer', role: 'user', owner: `payer-${randomUUID()}` });
    const nosy = await createKey({ name: 'nosy', role: 'user' });
    const ok = await submit(payer.key, { model: 'acme/image', prompt: 'two images', numberOfOutputs: 2 });
    expect((await waitForGeneration(url, ok.body.id as string)).status).toBe('succeeded');

    const held = await submit(payer.key, render('to be canceled'));
    expect((await call(`/v1/generations/${held.body.id as string}/cancel`, payer.key, { method: 'POST' })).status).toBe(202);
    expect((await waitForGeneration(url, held.body.id as string)).status).toBe('canceled');

    fake.failTasks = true;
    fake.pollsToComplete = 0;
    try {
      const failing = await submit(payer.key, render('to fail'));
      expect((await waitForGeneration(url, failing.body.id as string)).status).toBe('failed');
    } finally {
      fake.failTasks = false;
      fake.pollsToComplete = 1_000_000;
    }

    const usage = await call('/v1/usage', payer.key);
    expect(usage.status).toBe(200);
    // acme reports no charges: what settled is the estimate.
    expect(usage.body.totals).toEqual({ generations: 3, estimatedUsd: 0.04, settledUsd: 0.04, reportedUsd: 0, reservedUsd: 0, releasedUsd: 0.1 });
    const today = new Date().toISOString().slice(0, 10);
    expect(usage.body.data).toEqual([
      { day: today, model: 'acme/image', provider: 'acme', generations: 1, estimatedUsd: 0.04, settledUsd: 0.04, reportedUsd: 0, reservedUsd: 0, releasedUsd: 0 },
      { day: today, model: 'acme/render', provider: 'acme', generations: 2, estimatedUsd: 0, settledUsd: 0, reportedUsd: 0, reservedUsd: 0, releasedUsd: 0.1 },
    ]);
    // Exactly what the succeeded generations cost, from the generations themselves.
    const costs = await stack.db.db.selectFrom('generations').select(['cost', 'status']).where('owner', '=', payer.owner).execute();
    const succeeded = costs.filter((c) => c.status === 'succeeded').reduce((s, c) => s + Math.round(Number(c.cost) * 1e6), 0);
    expect(Math.round((usage.body.totals as { settledUsd: number }).settledUsd * 1e6)).toBe(succeeded);

    // Someone else's usage: admins only.
    expect((await call(`/v1/usage?owner=${encodeURIComponent(payer.owner)}`, nosy.key)).status).toBe(403);
    expect(((await call('/v1/usage', nosy.key)).body.totals as { generations: number }).generations).toBe(0);
    const asAdmin = await apiFetch(`${url}/v1/usage?owner=${encodeURIComponent(payer.owner)}`);
    expect(((await asAdmin.json()) as { totals: unknown }).totals).toEqual(usage.body.totals);
  });

  it('no key ever appears in the logs', () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const key of keys) expect(text).not.toContain(key);
    expect(text).not.toContain(providerKey);
  });
});
