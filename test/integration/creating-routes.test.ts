import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcmeFake, acmeYaml } from '../fakes/custom-http';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

interface Created {
  status: number;
  /** The generation or batch the answer names, when it names one. */
  id?: string;
  code?: string;
}

/**
 * Every route that creates work — single generations, batches, an experiment's allocation and
 * the OpenAI-compatible images route — goes through the same owner, budget, concurrency and
 * per-owner idempotency checks. Two tenants (user keys of different owners) drive each route the
 * same way and must see the same answers. Priced work goes to "Acme" (a custom HTTP provider
 * declared in YAML, served by a local fake): acme/image costs 0.02 per image; acme/render is an
 * async task the test holds open.
 */
describe.skipIf(!temporalAddress)('every creating route: same owner, budget, concurrency and idempotency checks', () => {
  const providerKey = `sk-acme-${randomUUID()}`;
  const fake = new AcmeFake({ keys: [providerKey] });
  let dir: string;
  let stack: Stack;
  let url: string;
  let experimentId: string;

  async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string; owner: string }> {
    const res = await postJson(`${url}/v1/api-keys`, body);
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string; owner: string };
  }

  type Route = (key: string, prompt: string, headers?: Record<string, string>) => Promise<Created>;

  // Work sent to the provider (a health probe may read from it meanwhile; that is not work).
  const submissions = () => fake.server.requests.filter((r) => r.method === 'POST').length;

  const errorCode = (body: Record<string, unknown>) => (body.error as { code?: string } | undefined)?.code;

  const routes: Record<string, Route> = {
    generations: async (key, prompt, headers = {}) => {
      const res = await postJson(`${url}/v1/generations`, { model: 'acme/image', prompt }, { ...bearer(key), ...headers });
      return { status: res.status, id: res.body.id as string | undefined, code: errorCode(res.body) };
    },
    experiment: async (key, prompt, headers = {}) => {
      const res = await postJson(`${url}/v1/generations`, { experimentId, userId: 'user-1', prompt }, { ...bearer(key), ...headers });
      return { status: res.status, id: res.body.id as string | undefined, code: errorCode(res.body) };
    },
    batches: async (key, prompt, headers = {}) => {
      const res = await postJson(`${url}/v1/batches`, { requests: [{ model: 'acme/image', prompt }] }, { ...bearer(key), ...headers });
      return { status: res.status, id: res.body.id as string | undefined, code: errorCode(res.body) };
    },
    'openai images': async (key, prompt, headers = {}) => {
      const res = await postJson(`${url}/v1/images/generations`, { model: 'acme/image', prompt, n: 1 }, { ...bearer(key), ...headers });
      return { status: res.status, id: res.headers.get('x-genflow-generation-id') ?? undefined, code: errorCode(res.body) };
    },
  };

  beforeAll(async () => {
    await fake.start();
    fake.pollsToComplete = 1_000_000;
    dir = mkdtempSync(join(tmpdir(), 'genflow-creating-'));
    const file = join(dir, 'providers.yaml');
    writeFileSync(file, acmeYaml(fake.url));
    stack = await startStack({
      env: { GENFLOW_CUSTOM_PROVIDERS: file, GENFLOW_ACME_API_KEYS: providerKey },
      keyLimits: { requestsPerMinute: 10_000, maxConcurrentGenerations: 50 },
    });
    url = stack.baseUrl;
    const experiment = await postJson(`${url}/v1/experiments`, {
      name: `acme only ${randomUUID()}`,
      variants: [
        { name: 'small', model: 'acme/image', parameters: { size: '256x256' } },
        { name: 'large', model: 'acme/image', parameters: { size: '512x512' } },
      ],
      allocation: { type: 'fixed', weights: [1, 1] },
      metrics: [{ name: 'success_rate', goal: 'maximize', primary: true }],
    });
    expect(experiment.status, JSON.stringify(experiment.body)).toBe(201);
    experimentId = experiment.body.id as string;
    expect((await postJson(`${url}/v1/experiments/${experimentId}/start`, {})).status).toBe(200);
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a budget too small for the request answers 402 QUOTA_EXCEEDED on every route, with no provider call', async () => {
    const calls = submissions();
    for (const [name, route] of Object.entries(routes)) {
      const thrifty = await createKey({ name: `thrifty ${name}`, role: 'user', budget: { total: 0.01 } });
      const res = await route(thrifty.key, `over budget via ${name}`);
      expect({ name, status: res.status, code: res.code }).toEqual({ name, status: 402, code: 'QUOTA_EXCEEDED' });
      const usage = await fetch(`${url}/v1/usage`, { headers: bearer(thrifty.key) });
      expect((await usage.json()) as { data: unknown[] }).toMatchObject({ data: [] });
    }
    expect(submissions()).toBe(calls);
  });

  it('a key at its concurrent-generation limit answers 429 on every single-generation route; a batch is capped at it', async () => {
    const single = await createKey({ name: 'one at a time', role: 'user', rateLimit: { maxConcurrentGenerations: 1 } });
    const held = await postJson(`${url}/v1/generations`, { model: 'acme/render', prompt: 'holds the one slot' }, bearer(single.key));
    expect(held.status).toBe(202);
    // Its own provider call comes a moment after the 202: counted before the refused ones are.
    await expect.poll(() => fake.server.requests.some((r) => r.method === 'POST' && JSON.stringify(r.json ?? null).includes('holds the one slot')), { timeout: 30_000, interval: 20 }).toBe(true);
    const calls = submissions();
    for (const name of ['generations', 'experiment', 'openai images']) {
      const res = await routes[name]!(single.key, `one too many via ${name}`);
      expect({ name, status: res.status, code: res.code }).toEqual({ name, status: 429, code: 'RATE_LIMITED' });
    }
    expect(submissions()).toBe(calls);
    // A batch is paced by its own maxConcurrency, capped at the key's limit (README, Limits).
    const batch = await postJson(`${url}/v1/batches`, { requests: [{ model: 'local/image', prompt: 'capped' }], options: { maxConcurrency: 20 } }, bearer(single.key));
    expect(batch.status).toBe(202);
    const view = await fetch(`${url}/v1/batches/${batch.body.id as string}`, { headers: bearer(single.key) });
    expect(((await view.json()) as { options: { maxConcurrency: number } }).options.maxConcurrency).toBe(1);
    await postJson(`${url}/v1/generations/${held.body.id as string}/cancel`, {}, bearer(single.key));
    await waitForGeneration(url, held.body.id as string);
  });

  it("Idempotency-Keys are per owner on every route: a repeat gets the owner's own work back, another owner's same key creates its own", async () => {
    fake.pollsToComplete = 0;
    const alice = await createKey({ name: 'alice', role: 'user', owner: `alice-${randomUUID()}` });
    const bob = await createKey({ name: 'bob', role: 'user', owner: `bob-${randomUUID()}` });
    for (const [name, route] of Object.entries(routes)) {
      const headers = { 'idempotency-key': `shared-${name}` };
      const prompt = `same body via ${name}`;
      const first = await route(alice.key, prompt, headers);
      expect({ name, status: first.status }).toEqual({ name, status: name === 'openai images' ? 200 : 202 });
      expect(first.id).toBeDefined();
      const repeat = await route(alice.key, prompt, headers);
      expect({ name, status: repeat.status, id: repeat.id }).toEqual({ name, status: 200, id: first.id });
      const other = await route(bob.key, prompt, headers);
      expect({ name, status: other.status }).toEqual({ name, status: name === 'openai images' ? 200 : 202 });
      expect(other.id).toBeDefined();
      expect(other.id).not.toBe(first.id);

      // Each owner sees its own work (also what the images route created) and not the other's.
      const kind = name === 'batches' ? 'batches' : 'generations';
      expect((await fetch(`${url}/v1/${kind}/${first.id}`, { headers: bearer(alice.key) })).status).toBe(200);
      expect((await fetch(`${url}/v1/${kind}/${other.id}`, { headers: bearer(bob.key) })).status).toBe(200);
      expect((await fetch(`${url}/v1/${kind}/${first.id}`, { headers: bearer(bob.key) })).status).toBe(404);

      // The same key with another body is a conflict, not a silent replay.
      const changed = await route(alice.key, `${prompt}, changed`, headers);
      expect({ name, status: changed.status, code: changed.code }).toEqual({ name, status: 409, code: 'CONFLICT' });
    }
    // What the images route created counts in its owner's usage like any other generation.
    const usage = (await (await fetch(`${url}/v1/usage`, { headers: bearer(bob.key) })).json()) as { totals: { generations: number } };
    expect(usage.totals.generations).toBeGreaterThanOrEqual(3);
  });
});
