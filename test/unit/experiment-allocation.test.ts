import express from 'express';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../api/errors';
import { adminOnly, createAuthenticator } from '../../api/auth';
import type { AccountsRepo } from '../../db/accounts-repo';
import { closeServer, listen } from '../../api/server';
import { assignVariant } from '../../domain/allocation';
import { applyPromptTemplate, createExperimentBody, toDefinition } from '../../domain/experiment';
import { createRng } from '../../domain/random';

const def = toDefinition(
  'exp-1',
  createExperimentBody.parse({
    name: 'three',
    variants: [
      { name: 'A', model: 'local/image' },
      { name: 'B', model: 'local/image' },
      { name: 'C', model: 'local/image' },
    ],
    allocation: { type: 'fixed', weights: [50, 30, 20] },
    metrics: [{ name: 'success_rate', goal: 'maximize' }],
  }),
);
const weights = [0.5, 0.3, 0.2];

describe('allocation', () => {
  it('gives the same user the same variant every time under fixed weights', () => {
    for (let u = 0; u < 200; u++) {
      const first = assignVariant(def, weights, `user-${u}`, Math.random).id;
      for (let k = 0; k < 5; k++) expect(assignVariant(def, weights, `user-${u}`, Math.random).id).toBe(first);
    }
  });

  it('spreads users by the weights', () => {
    const counts: Record<string, number> = { v1: 0, v2: 0, v3: 0 };
    for (let u = 0; u < 20_000; u++) counts[assignVariant(def, weights, `user-${u}`, Math.random).id]! += 1;
    expect(counts.v1! / 20_000).toBeCloseTo(0.5, 1);
    expect(counts.v2! / 20_000).toBeCloseTo(0.3, 1);
    expect(counts.v3! / 20_000).toBeCloseTo(0.2, 1);
  });

  it('without a user, draws by weight from the random source; a zero weight gets nothing', () => {
    const rng = createRng(3);
    const counts: Record<string, number> = { v1: 0, v2: 0, v3: 0 };
    for (let i = 0; i < 10_000; i++) counts[assignVariant(def, [0.75, 0, 0.25], undefined, () => rng.next()).id]! += 1;
    expect(counts.v2).toBe(0);
    expect(counts.v1! / 10_000).toBeCloseTo(0.75, 1);
  });

  it('the same user may land elsewhere in another experiment (hash includes the experiment)', () => {
    const other = { ...def, id: 'exp-2' };
    const moved = Array.from({ length: 100 }, (_, u) => assignVariant(def, weights, `u${u}`, Math.random).id !== assignVariant(other, weights, `u${u}`, Math.random).id);
    expect(moved.some(Boolean)).toBe(true);
  });

  it('applies prompt templates', () => {
    expect(applyPromptTemplate('a watercolor of {prompt}, soft light', 'a fox')).toBe('a watercolor of a fox, soft light');
    expect(applyPromptTemplate('cinematic:', 'a fox')).toBe('cinematic: a fox');
    expect(applyPromptTemplate(undefined, 'a fox')).toBe('a fox');
  });
});

describe('definition validation', () => {
  const base = {
    name: 'x',
    variants: [
      { name: 'A', model: 'm' },
      { name: 'B', model: 'm' },
    ],
    allocation: { type: 'thompson' },
    metrics: [{ name: 'latency', goal: 'minimize' }],
  };
  it('fills defaults and picks the first variant as control and the first metric as primary', () => {
    const d = toDefinition('e', createExperimentBody.parse(base));
    expect(d.controlId).toBe('v1');
    expect(d.primaryMetric).toEqual({ name: 'latency', goal: 'minimize' });
    expect(d.stopRules).toEqual({ minSamplesPerVariant: 100, confidence: 0.95 });
  });
  it('rejects duplicate names, a wrong number of weights and two primary metrics', () => {
    expect(createExperimentBody.safeParse({ ...base, variants: [base.variants[0], base.variants[0]] }).success).toBe(false);
    expect(createExperimentBody.safeParse({ ...base, allocation: { type: 'fixed', weights: [1, 2, 3] } }).success).toBe(false);
    expect(
      createExperimentBody.safeParse({ ...base, metrics: [{ name: 'latency', goal: 'minimize', primary: true }, { name: 'cost', goal: 'minimize', primary: true }] }).success,
    ).toBe(false);
  });
});

describe('the admin gate (bootstrap admin key, no database keys)', () => {
  // No key rows: every lookup misses, so only the bootstrap key can pass.
  const accounts = { findByHash: () => Promise.resolve(undefined) } as unknown as AccountsRepo;

  async function call(key: string | undefined, headers: Record<string, string>) {
    const app = express();
    const auth = createAuthenticator({ accounts, ...(key ? { adminApiKey: key } : {}), defaults: { requestsPerMinute: 60, maxConcurrentGenerations: 1 } });
    app.get('/x', auth.middleware, adminOnly, (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler(pino({ level: 'silent' })));
    const server = await listen(app, 0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, { headers });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } finally {
      await closeServer(server);
    }
  }

  it('is closed while no key is configured', async () => {
    expect((await call(undefined, {})).status).toBe(401);
  });

  it('with a key configured, accepts it as Bearer or X-API-Key and rejects anything else', async () => {
    expect((await call('s3cret', { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await call('s3cret', { 'x-api-key': 's3cret' })).status).toBe(200);
    // A cookie rides along on other sites' requests: the key is never taken from one (browsers sign in for a session).
    expect((await call('s3cret', { cookie: 'a=b; genflow_admin_key=s3cret' })).status).toBe(401);
    const missing = await call('s3cret', {});
    expect(missing.status).toBe(401);
    expect((missing.body.error as { code: string }).code).toBe('AUTHENTICATION_FAILED');
    expect((await call('s3cret', { authorization: 'Bearer wrong' })).status).toBe(401);
  });
});
