import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAndMigrate, type DbHandle } from '../../db/connect';
import { createKeyStateRepo } from '../../db/provider-key-state-repo';
import { ProviderError } from '../../domain/errors';
import { KeyPool, keyId } from '../../providers/key-pool';
import { memoryKeyStateStore, type KeyStateStore } from '../../providers/key-state-store';
import { catalogueWith } from '../../providers/registry';
import { createProviderGateway } from '../../providers/provider-gateway';
import type { Provider } from '../../providers/types';

describe('key pool state to share', () => {
  it('reports a changed state without the key, with echoed keys in the message masked', () => {
    const pool = new KeyPool('p', ['sk-one-1111', 'sk-two-2222'], () => 1_000);
    const state = pool.report('sk-one-1111', 'AUTHENTICATION_FAILED', undefined, 'bad key sk-one-1111 given');
    expect(state).toEqual({ keyId: keyId('sk-one-1111'), masked: 'sk-…1111', disabled: true, coolUntil: 0, lastError: 'AUTHENTICATION_FAILED', lastErrorMessage: 'bad key sk-…1111 given', lastErrorAt: 1_000 });
    expect(pool.report('sk-two-2222', 'PROVIDER_UNAVAILABLE')).toBeUndefined();
  });

  it('merges what other processes recorded: the store decides disabled, the later cool-down wins', () => {
    const now = 10_000;
    const pool = new KeyPool('p', ['a-key-1', 'b-key-2', 'c-key-3'], () => now);
    pool.report('c-key-3', 'RATE_LIMITED', 5_000);
    pool.merge([
      { keyId: keyId('a-key-1'), masked: 'x', disabled: true, coolUntil: 0, lastError: 'AUTHENTICATION_FAILED' },
      { keyId: keyId('b-key-2'), masked: 'x', disabled: false, coolUntil: now + 1_000, lastError: 'RATE_LIMITED' },
      { keyId: keyId('c-key-3'), masked: 'x', disabled: false, coolUntil: now + 100, lastError: 'RATE_LIMITED' },
    ]);
    expect(pool.states().map((s) => s.status)).toEqual(['disabled', 'cooling_down', 'cooling_down']);
    expect(pool.states()[2]?.coolingDownUntil).toBe(new Date(now + 5_000).toISOString());
    // A row cleared by an operator puts the key back into rotation.
    pool.merge([]);
    expect(pool.states()[0]?.status).toBe('active');
  });
});

describe('key state in the database', () => {
  let home: string;
  let handle: DbHandle;
  let store: KeyStateStore;
  const provider = `keytest-${randomUUID().slice(0, 8)}`;
  const [k1, k2] = [`sk-first-${randomUUID()}`, `sk-second-${randomUUID()}`];
  const seen: string[] = [];

  /** A provider that rejects the first key, so the rejection must travel through the store. */
  const testProvider: Provider = {
    id: provider,
    displayName: 'key test',
    models: [],
    requiresApiKey: true,
    custom: true,
    createAdapter: () => ({
      submit: (_request, ctx) => {
        seen.push(ctx.apiKey ?? '');
        if (ctx.apiKey === k1) return Promise.reject(new ProviderError('AUTHENTICATION_FAILED', `invalid key ${k1}`));
        return Promise.resolve({ status: 'succeeded', outputs: [] });
      },
    }),
  };
  const env = { [`GENFLOW_${provider.toUpperCase().replace(/-/g, '_')}_API_KEYS`]: `${k1},${k2}` };
  const request = { model: 'm', kind: 'text-to-image' as const, prompt: 'p', parameters: {}, inputImages: [], numberOfOutputs: 1 };

  const catalogue = catalogueWith([testProvider]);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'genflow-keys-'));
    const url = process.env.DATABASE_URL;
    handle = await openAndMigrate({ ...(url ? { databaseUrl: url } : {}), home });
    store = createKeyStateRepo(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('round-trips a state, and a concurrent write never undoes a rejection or shortens a cool-down', async () => {
    const id = keyId(`sk-x-${randomUUID()}`);
    const until = Date.now() + 60_000;
    await store.save(provider, { keyId: id, masked: 'sk-…abcd', disabled: true, coolUntil: until, lastError: 'AUTHENTICATION_FAILED', lastErrorMessage: 'no', lastErrorAt: 5 });
    await store.save(provider, { keyId: id, masked: 'sk-…abcd', disabled: false, coolUntil: until - 30_000, lastError: 'RATE_LIMITED' });
    const row = (await store.load(provider)).find((r) => r.keyId === id);
    expect(row).toMatchObject({ providerId: provider, disabled: true, coolUntil: until, lastError: 'RATE_LIMITED' });
  });

  it('a key one process finds rejected is skipped by another and shown disabled by the API', async () => {
    const worker = createProviderGateway({ catalogue, dataDir: home, env, keyStates: store });
    const other = createProviderGateway({ catalogue, dataDir: home, env, keyStates: store, keyStateRefreshMs: 0 });
    const api = createProviderGateway({ catalogue, dataDir: home, env, keyStates: store });

    const failed = await worker.call(provider, { generationId: 'g', attempt: 1 }, (a, ctx) => a.submit(request, ctx)).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ProviderError);
    // Retryable: the next key can take the request at once. The echoed key is masked.
    expect(failed).toMatchObject({ code: 'AUTHENTICATION_FAILED', retryable: true });
    expect((failed as Error).message).not.toContain(k1);

    seen.length = 0;
    await other.call(provider, { generationId: 'g', attempt: 1 }, (a, ctx) => a.submit(request, ctx));
    await other.call(provider, { generationId: 'g', attempt: 1 }, (a, ctx) => a.submit(request, ctx));
    expect(seen).toEqual([k2, k2]);

    const status = (await api.status()).find((p) => p.id === provider);
    expect(status?.keys.map((k) => [k.masked, k.status, k.lastError])).toEqual([
      [`sk-…${k1.slice(-4)}`, 'disabled', 'AUTHENTICATION_FAILED'],
      [`sk-…${k2.slice(-4)}`, 'active', undefined],
    ]);
    expect(JSON.stringify(status)).not.toContain(k1);
  });

  it('keeps calling providers when the shared store is down, and says so', async () => {
    const errors: unknown[] = [];
    const broken: KeyStateStore = { load: () => Promise.reject(new Error('db down')), save: () => Promise.reject(new Error('db down')) };
    const runtime = createProviderGateway({ catalogue, dataDir: home, env, keyStates: broken, onKeyStateError: (e) => errors.push(e) });
    await runtime.call(provider, { generationId: 'g', attempt: 1 }, (a, ctx) => a.submit(request, ctx)).catch(() => undefined);
    await runtime.call(provider, { generationId: 'g', attempt: 2 }, (a, ctx) => a.submit(request, ctx));
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('the in-memory store follows the same rules', async () => {
    const mem = memoryKeyStateStore();
    await mem.save('p', { keyId: 'k', masked: 'm', disabled: true, coolUntil: 50 });
    await mem.save('p', { keyId: 'k', masked: 'm', disabled: false, coolUntil: 10 });
    expect(await mem.load('p')).toEqual([{ providerId: 'p', keyId: 'k', masked: 'm', disabled: true, coolUntil: 50 }]);
  });
});
