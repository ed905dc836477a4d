import { resolve } from 'node:path';
import { GenflowError, ProviderError } from '../domain/errors';
import { KeyPool, type KeyState } from './key-pool';
import type { KeyStateStore } from './key-state-store';
import type { ProviderLimiter } from './limiter';
import { providers } from './registry';
import { providerSettings } from './settings';
import type { CallContext, Provider, ProviderAdapter } from './types';

export interface ProviderRuntimeOptions {
  /** Where providers may keep state (`<dataDir>/providers/<id>`). */
  dataDir: string;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  /** Shares key state across processes; without it each process keeps its own. */
  keyStates?: KeyStateStore;
  /** How stale this process's view of the shared key state may get before a call re-reads it. */
  keyStateRefreshMs?: number;
  /** Told when the shared key state cannot be read or written (calls go on regardless). */
  onKeyStateError?: (err: unknown) => void;
  /** Global rate and concurrency limits (providers/limiter.ts); without it, calls are not limited. */
  limiter?: ProviderLimiter;
  /** Told of every finished provider call (metrics): how long it took and the error code, if any. */
  observe?: (call: ProviderCallObservation) => void;
}

export interface ProviderCallObservation {
  provider: string;
  seconds: number;
  /** Absent on success; the taxonomy code otherwise. */
  errorCode?: string;
}

export interface ProviderStatus {
  id: string;
  displayName: string;
  baseUrl: string;
  requiresApiKey: boolean;
  configured: boolean;
  custom: boolean;
  keys: KeyState[];
  models: Array<{ id: string; kinds: readonly string[] }>;
}

/** A base URL may carry credentials (`https://user:pass@host`): never show them. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}

/**
 * Adapters and key pools, built once per process from the environment. Every provider call
 * goes through `call`, which picks a key and feeds the outcome back to the pool and to the
 * shared store, and makes sure no key text leaves in an error.
 */
export function createProviderRuntime(options: ProviderRuntimeOptions) {
  const adapters = new Map<string, ProviderAdapter>();
  const pools = new Map<string, KeyPool>();
  const refreshedAt = new Map<string, number>();
  const refreshMs = options.keyStateRefreshMs ?? 1_000;
  const store = options.keyStates;

  function providerOf(id: string): Provider {
    const provider = providers[id];
    if (!provider) throw new ProviderError('INTERNAL_ERROR', `unknown provider '${id}'`, { retryable: false });
    return provider;
  }

  function pool(id: string): KeyPool {
    let p = pools.get(id);
    if (!p) {
      p = new KeyPool(id, providerSettings(providerOf(id), options.env).apiKeys);
      pools.set(id, p);
    }
    return p;
  }

  function adapter(id: string): ProviderAdapter {
    let a = adapters.get(id);
    if (!a) {
      const provider = providerOf(id);
      a = provider.createAdapter({
        dataDir: resolve(options.dataDir, 'providers', id),
        baseUrl: providerSettings(provider, options.env).baseUrl,
        fetch: options.fetch ?? fetch,
      });
      adapters.set(id, a);
    }
    return a;
  }

  async function refresh(providerId: string | undefined, force = false): Promise<void> {
    if (!store) return;
    const key = providerId ?? '*';
    if (!force && Date.now() - (refreshedAt.get(key) ?? 0) < refreshMs) return;
    try {
      const rows = await store.load(providerId);
      const ids = providerId ? [providerId] : Object.values(providers).filter((p) => p.requiresApiKey).map((p) => p.id);
      for (const id of ids) pool(id).merge(rows.filter((r) => r.providerId === id));
      refreshedAt.set(key, Date.now());
    } catch (err) {
      options.onKeyStateError?.(err);
    }
  }

  /** Every key of every pool in the process: what must never appear in an error. */
  function allPools(): KeyPool[] {
    return Object.values(providers).filter((p) => p.requiresApiKey).map((p) => pool(p.id));
  }

  /**
   * An error whose text contains a key (some providers echo the key back in a 401 body) is
   * rebuilt with the key masked and without its cause, which may hold the same text.
   */
  function scrub(err: unknown): unknown {
    const pools = allPools();
    const text = err instanceof Error ? `${err.message}\n${String(err.stack)}\n${JSON.stringify((err as GenflowError).details ?? null)}` : String(err);
    if (!pools.some((p) => p.leaks(text))) return err;
    const redact = (s: string) => pools.reduce((acc, p) => p.redact(acc), s);
    if (err instanceof GenflowError) {
      return new ProviderError(err.code, redact(err.message), {
        retryable: err.retryable,
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
        ...(err.details !== undefined ? { details: JSON.parse(redact(JSON.stringify(err.details))) as unknown } : {}),
      });
    }
    return new ProviderError('INTERNAL_ERROR', redact(err instanceof Error ? err.message : String(err)));
  }

  return {
    adapter,

    async call<T>(providerId: string, ctx: Omit<CallContext, 'apiKey'>, body: (adapter: ProviderAdapter, ctx: CallContext) => Promise<T>): Promise<T> {
      const provider = providerOf(providerId);
      if (provider.requiresApiKey) await refresh(providerId);
      const keys = provider.requiresApiKey ? pool(providerId) : undefined;
      // The key first: when none is usable it throws, and no limiter slot is taken for nothing.
      const apiKey = keys?.acquire();
      const release = await options.limiter?.acquire(providerId, ctx.signal);
      const started = performance.now();
      const observed = (errorCode?: string) =>
        options.observe?.({ provider: providerId, seconds: (performance.now() - started) / 1000, ...(errorCode ? { errorCode } : {}) });
      try {
        const result = await body(adapter(providerId), apiKey ? { ...ctx, apiKey } : ctx);
        observed();
        return result;
      } catch (raw) {
        const err = scrub(raw);
        observed(err instanceof GenflowError ? err.code : 'INTERNAL_ERROR');
        if (!(keys && apiKey && err instanceof ProviderError)) throw err;
        const changed = keys.report(apiKey, err.code, err.retryAfterMs, err.message);
        if (changed && store) {
          // Written before the retry, so another worker picking up the retry skips this key too.
          await store.save(providerId, changed).catch((e: unknown) => options.onKeyStateError?.(e));
        }
        const keyProblem = err.code === 'AUTHENTICATION_FAILED' || err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED';
        if (keyProblem && keys.states().some((k) => k.status === 'active')) {
          // The request itself was fine; another key can take it right away.
          throw new ProviderError(err.code, `${err.message} (trying the next key)`, { retryable: true, retryAfterMs: 100, cause: err });
        }
        throw err;
      } finally {
        await release?.();
      }
    },

    /** Providers, their models and each key's state as all processes recorded it. */
    async status(): Promise<ProviderStatus[]> {
      await refresh(undefined, true);
      return Object.values(providers).map((p) => {
        const keys = p.requiresApiKey ? pool(p.id).states() : [];
        return {
          id: p.id,
          displayName: p.displayName,
          baseUrl: displayUrl(providerSettings(p, options.env).baseUrl),
          requiresApiKey: p.requiresApiKey,
          configured: !p.requiresApiKey || keys.length > 0,
          custom: p.custom ?? false,
          keys,
          models: p.models.map((m) => ({ id: m.id, kinds: m.kinds })),
        };
      });
    },
  };
}
export type ProviderRuntime = ReturnType<typeof createProviderRuntime>;
