import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosFake, chaosYaml, type Call } from '../fakes/chaos';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

/** What each fault the fake gives must surface as, when it is the generation's last word. */
const CODE_FOR: Record<Exclude<Call['outcome'], 'ok'>, string> = { '429': 'RATE_LIMITED', '5xx': 'PROVIDER_UNAVAILABLE', hang: 'PROVIDER_TIMEOUT' };
const RETRY_AFTER_S = 3;

describe.skipIf(!temporalAddress)('a provider failing 30% of its calls (429, 5xx, hung responses)', () => {
  const keys = ['a', 'b'].map((k) => `sk-chaos-${k}-${randomUUID()}`);
  const fake = new ChaosFake({ keys, seed: 7, retryAfterSeconds: RETRY_AFTER_S, hangMs: 4_000 });
  let dir: string;
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    dir = mkdtempSync(join(tmpdir(), 'genflow-chaos-'));
    const file = join(dir, 'providers.yaml');
    // 2 s: long enough that a loaded machine still reads a prompt 429 before giving up on the call.
    writeFileSync(file, chaosYaml(fake.url, 2));
    stack = await startStack({ env: { GENFLOW_CUSTOM_PROVIDERS: file, GENFLOW_ACME_API_KEYS: keys.join(',') } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ends every generation succeeded or cleanly failed with the fault it met, and waits out Retry-After', async () => {
    fake.pollsToComplete = 1;
    fake.failureRate = 0.3;
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) {
      const body = i % 2 === 0 ? { model: 'acme/image', prompt: `chaos image ${i}` } : { model: 'acme/render', prompt: `chaos render ${i}` };
      const res = await postJson(`${stack.baseUrl}/v1/generations`, body);
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    const done = await Promise.all(ids.map((id) => waitForGeneration(stack.baseUrl, id, undefined, 150_000)));

    // The fake really misbehaved in all three ways.
    const outcomes = new Set(fake.calls.map((c) => c.outcome));
    expect([...outcomes].sort()).toEqual(['429', '5xx', 'hang', 'ok']);

    for (const g of done) {
      expect(['succeeded', 'failed'], g.id).toContain(g.status);
      if (g.status === 'succeeded') {
        expect(g.outputs).toHaveLength(1);
        continue;
      }
      // Failed cleanly: the code of what the fake last did to it — or RATE_LIMITED when the last
      // attempt found every key cooling down and never reached the fake. Never INTERNAL_ERROR.
      const last = fake.calls.filter((c) => c.prompt === g.prompt).at(-1);
      const expected = ['RATE_LIMITED', ...(last && last.outcome !== 'ok' ? [CODE_FOR[last.outcome]] : [])];
      expect(expected, `${g.id}: last call ${last?.outcome}`).toContain(g.error?.code);
    }
    expect(done.filter((g) => g.status === 'succeeded').length).toBeGreaterThan(done.length / 2);

    // Retry-After honoured: after a 429, the generation's next call with that key comes only once
    // it has passed (another key may take the retry at once). Per generation, because its calls
    // are sequential: a call of another generation may have picked the key before the 429 was read.
    const limited = fake.calls.filter((c) => c.outcome === '429');
    expect(limited.length).toBeGreaterThan(0);
    for (const c of limited) {
      const next = fake.calls.find((n) => n.at > c.at && n.key === c.key && n.prompt === c.prompt);
      if (next) expect(next.at - c.at, `${c.prompt}: next call with key …${c.key.slice(-4)} after its 429`).toBeGreaterThanOrEqual(c.retryAfterMs!);
    }
  }, 180_000);
});
