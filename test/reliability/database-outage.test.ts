import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosFake, chaosYaml } from '../fakes/chaos';
import { requireAll } from '../support/require-all';
import { getJson, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';
import { TcpProxy } from '../support/tcp-proxy';

const OUTAGE_MS = 30_000;
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl && requireAll()) throw new Error('GENFLOW_REQUIRE_ALL=1 but DATABASE_URL is not set: the database outage suite needs Postgres');

/**
 * Postgres unreachable for 30 s while generations run: a TCP proxy between genflow and the
 * run's Postgres drops every connection and refuses new ones. Needs DATABASE_URL (the embedded
 * PGlite lives in the process and cannot be cut off).
 */
describe.skipIf(!temporalAddress || !databaseUrl)('the database unreachable for 30 s mid-run (skipped without DATABASE_URL: needs Postgres)', () => {
  const key = `sk-dbdown-${randomUUID()}`;
  const fake = new ChaosFake({ keys: [key] });
  let proxy: TcpProxy;
  let dir: string;
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.pollsToComplete = 3;
    const target = new URL(databaseUrl!);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    target.hostname = '127.0.0.1';
    target.port = String(proxy.port);
    dir = mkdtempSync(join(tmpdir(), 'genflow-dbdown-'));
    const file = join(dir, 'providers.yaml');
    writeFileSync(file, chaosYaml(fake.url));
    stack = await startStack({ databaseUrl: target.toString(), env: { GENFLOW_CUSTOM_PROVIDERS: file, GENFLOW_ACME_API_KEYS: key } });
  });
  afterAll(async () => {
    proxy?.restore();
    await stack?.stop();
    await proxy?.stop();
    await fake.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 UNAVAILABLE while it is down, and every generation finishes once it is back', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const body = i % 2 === 0 ? { model: 'acme/image', prompt: `db outage image ${i}` } : { model: 'acme/render', prompt: `db outage render ${i}` };
      const res = await postJson(`${stack.baseUrl}/v1/generations`, body);
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    await expect.poll(() => fake.calls.filter((c) => c.kind === 'submit').length, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(3);

    proxy.cut();
    const back = Date.now() + OUTAGE_MS;
    const answers: Array<{ status: number; code: unknown; message: unknown }> = [];
    while (Date.now() < back) {
      for (const res of [
        await postJson(`${stack.baseUrl}/v1/generations`, { model: 'acme/image', prompt: 'during the outage' }),
        await getJson(`${stack.baseUrl}/v1/generations/${ids[0]}`),
      ]) {
        const error = res.body.error as { code?: unknown; message?: unknown } | undefined;
        answers.push({ status: res.status, code: error?.code, message: error?.message });
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    proxy.restore();
    // Every answer during the outage was a clear 503, none a 500.
    expect(answers.length).toBeGreaterThanOrEqual(4);
    for (const a of answers) expect(a).toEqual({ status: 503, code: 'UNAVAILABLE', message: 'the database is unavailable; retry shortly' });

    const done = await Promise.all(ids.map((id) => waitForGeneration(stack.baseUrl, id, undefined, 120_000)));
    expect(done.map((g) => (g.status === 'succeeded' ? g.status : `${g.status}: ${g.error?.code} ${g.error?.message}`))).toEqual(ids.map(() => 'succeeded'));
    for (const g of done) expect(g.outputs, g.id).toHaveLength(1);
    // The writes after a provider call waited for the database in place: nothing was sent twice.
    const submits = fake.submitsPerPrompt();
    for (const g of done) expect(submits.get(g.prompt), g.prompt).toBe(1);
  }, 200_000);
});
