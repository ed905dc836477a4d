import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../domain/errors';
import { KeyPool, keyId } from '../../providers/key-pool';
import { memoryKeyStateStore } from '../../providers/key-state-store';
import { catalogueWith } from '../../providers/registry';
import { createProviderGateway } from '../../providers/provider-gateway';
import type { Provider } from '../../providers/types';

function thrown(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (e) {
    return e as ProviderError;
  }
  throw new Error('did not throw');
}

describe('key pool: a task keeps the key that submitted it', () => {
  it('acquireById gives that key every time and never moves the rotation', () => {
    const pool = new KeyPool('p', ['key-a-1111', 'key-b-2222', 'key-c-3333']);
    const b = keyId('key-b-2222');
    expect([pool.acquireById(b), pool.acquireById(b), pool.acquireById(b)]).toEqual(['key-b-2222', 'key-b-2222', 'key-b-2222']);
    // The rotation of new submits is where it was.
    expect([pool.acquire(), pool.acquire()]).toEqual(['key-a-1111', 'key-b-2222']);
  });

  it('a cooling-down key says RATE_LIMITED with its own wait, even when other keys are free', () => {
    let now = 1_000;
    const pool = new KeyPool('p', ['key-a-1111', 'key-b-2222'], () => now);
    pool.report('key-a-1111', 'RATE_LIMITED', 4_000);
    const err = thrown(() => pool.acquireById(keyId('key-a-1111')));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 4_000 });
    now += 4_001;
    expect(pool.acquireById(keyId('key-a-1111'))).toBe('key-a-1111');
  });

  it('a disabled or no longer configured key fails with PROVIDER_KEY_UNAVAILABLE, not retried, without the key', () => {
    const pool = new KeyPool('p', ['key-a-secret-1111', 'key-b-2222']);
    pool.report('key-a-secret-1111', 'AUTHENTICATION_FAILED');
    const disabled = thrown(() => pool.acquireById(keyId('key-a-secret-1111')));
    expect(disabled).toMatchObject({ code: 'PROVIDER_KEY_UNAVAILABLE', retryable: false, details: { reason: 'disabled' } });
    expect(disabled.message).not.toContain('secret');
    const gone = thrown(() => pool.acquireById(keyId('key-z-9999')));
    expect(gone).toMatchObject({ code: 'PROVIDER_KEY_UNAVAILABLE', retryable: false, details: { reason: 'not_configured' } });
    // The other key still serves new submits.
    expect(pool.acquire()).toBe('key-b-2222');
  });

  it('a key disabled by another process (the shared store) is unavailable here too', () => {
    const pool = new KeyPool('p', ['key-a-1111', 'key-b-2222']);
    pool.merge([{ keyId: keyId('key-a-1111'), masked: 'x', disabled: true, coolUntil: 0, lastError: 'AUTHENTICATION_FAILED' }]);
    expect(thrown(() => pool.acquireById(keyId('key-a-1111'))).code).toBe('PROVIDER_KEY_UNAVAILABLE');
  });
});

describe('provider gateway: calls pinned to a key', () => {
  const provider = `pintest-${randomUUID().slice(0, 8)}`;
  const [a, b] = [`sk-acct-a-${randomUUID()}`, `sk-acct-b-${randomUUID()}`];
  /** What the provider's accounts hold: task id → the key that made it. */
  const tasks = new Map<string, string>();
  const seen: string[] = [];
  /** Keys the provider now refuses (401) or throttles (429). */
  const refused = new Set<string>();
  const throttled = new Set<string>();
  const testProvider: Provider = {
    id: provider,
    displayName: 'pin test',
    models: [],
    requiresApiKey: true,
    custom: true,
    createAdapter: () => ({
      submit: (_request, ctx) => {
        seen.push(ctx.apiKey!);
        const taskId = `t${tasks.size}`;
        tasks.set(taskId, ctx.apiKey!);
        return Promise.resolve({ status: 'pending', taskId });
      },
      poll: (taskId, _request, ctx) => {
        seen.push(ctx.apiKey!);
        if (refused.has(ctx.apiKey!)) return Promise.reject(new ProviderError('AUTHENTICATION_FAILED', 'invalid key'));
        if (throttled.has(ctx.apiKey!)) return Promise.reject(new ProviderError('RATE_LIMITED', 'slow down', { retryAfterMs: 2_000 }));
        if (tasks.get(taskId) !== ctx.apiKey) return Promise.reject(new ProviderError('PROVIDER_ERROR', 'task not found'));
        return Promise.resolve({ status: 'running' });
      },
    }),
  };
  const catalogue = catalogueWith([testProvider]);
  const env = { [`GENFLOW_${provider.toUpperCase().replace(/-/g, '_')}_API_KEYS`]: `${a},${b}` };
  const request = { model: 'm', kind: 'text-to-image' as const, prompt: 'p', parameters: {}, inputImages: [], numberOfOutputs: 1 };
  const ctx = { generationId: 'g', attempt: 1 };

  it('a submit says which key made it; every poll of that task uses it while submits rotate', async () => {
    const runtime = createProviderGateway({ catalogue, dataDir: '/nonexistent', env, keyStates: memoryKeyStateStore() });
    const submits = [];
    for (let i = 0; i < 4; i++) submits.push(await runtime.callKeyed(provider, ctx, (ad, c) => ad.submit(request, c)));
    expect(submits.map((s) => s.keyId)).toEqual([keyId(a), keyId(b), keyId(a), keyId(b)]);
    for (const { value, keyId: id } of submits) {
      if (value.status !== 'pending') throw new Error('expected a task');
      seen.length = 0;
      for (let i = 0; i < 3; i++) await runtime.call(provider, ctx, (ad, c) => ad.poll!(value.taskId, request, c), { keyId: id! });
      expect(seen).toEqual(Array(3).fill(tasks.get(value.taskId)));
    }
  });

  it('a pinned key that is throttled waits (RATE_LIMITED with its Retry-After) instead of trying the other key', async () => {
    const runtime = createProviderGateway({ catalogue, dataDir: '/nonexistent', env, keyStates: memoryKeyStateStore() });
    throttled.add(a);
    try {
      const err = (await runtime.call(provider, ctx, (ad, c) => ad.poll!('t0', request, c), { keyId: keyId(a) }).catch((e: unknown) => e)) as ProviderError;
      expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 2_000 });
      expect(err.message).not.toContain('trying the next key');
      seen.length = 0;
      const again = (await runtime.call(provider, ctx, (ad, c) => ad.poll!('t0', request, c), { keyId: keyId(a) }).catch((e: unknown) => e)) as ProviderError;
      // Still cooling down: refused before any request goes out.
      expect(again).toMatchObject({ code: 'RATE_LIMITED' });
      expect(seen).toEqual([]);
    } finally {
      throttled.delete(a);
    }
  });

  it('a pinned key the provider rejects fails the call with PROVIDER_KEY_UNAVAILABLE, and the next one before any request', async () => {
    const store = memoryKeyStateStore();
    const runtime = createProviderGateway({ catalogue, dataDir: '/nonexistent', env, keyStates: store, keyStateRefreshMs: 0 });
    refused.add(a);
    try {
      const err = (await runtime.call(provider, ctx, (ad, c) => ad.poll!('t0', request, c), { keyId: keyId(a) }).catch((e: unknown) => e)) as ProviderError;
      expect(err).toMatchObject({ code: 'PROVIDER_KEY_UNAVAILABLE', retryable: false, details: { keyId: keyId(a), reason: 'rejected' } });
      expect(err.message).not.toContain(a);
      // Another process learns it from the shared store.
      const other = createProviderGateway({ catalogue, dataDir: '/nonexistent', env, keyStates: store });
      seen.length = 0;
      const next = (await other.call(provider, ctx, (ad, c) => ad.poll!('t0', request, c), { keyId: keyId(a) }).catch((e: unknown) => e)) as ProviderError;
      expect(next).toMatchObject({ code: 'PROVIDER_KEY_UNAVAILABLE', details: { reason: 'disabled' } });
      expect(seen).toEqual([]);
      // New submits go on with the other key.
      expect((await other.callKeyed(provider, ctx, (ad, c) => ad.submit(request, c))).keyId).toBe(keyId(b));
    } finally {
      refused.delete(a);
    }
  });

  it('without a pinned key (a task recorded before keys were) the pool rotates as before', async () => {
    const runtime = createProviderGateway({ catalogue, dataDir: '/nonexistent', env, keyStates: memoryKeyStateStore() });
    seen.length = 0;
    await runtime.call(provider, ctx, (ad, c) => ad.poll!('t0', request, c)).catch(() => undefined);
    await runtime.call(provider, ctx, (ad, c) => ad.poll!('t0', request, c)).catch(() => undefined);
    expect(seen).toEqual([a, b]);
  });
});
