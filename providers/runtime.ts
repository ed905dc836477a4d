import { resolve } from 'node:path';
import { ProviderError } from '../domain/errors';
import { KeyPool, type KeyState } from './key-pool';
import type { ProviderLimiter } from './limiter';
import { providers } from './registry';
import { providerSettings } from './settings';
import type { CallContext, Provider, ProviderAdapter } from './types';

export interface ProviderRuntimeOptions {
  /** Where providers may keep state (`<dataDir>/providers/<id>`). */
  dataDir: string;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  /** Global rate and concurrency limits (providers/limiter.ts); without it, calls are not limited. */
  limiter?: ProviderLimiter;
}

export interface ProviderStatus {
  id: string;
  displayName: string;
  baseUrl: string;
  requiresApiKey: boolean;
  configured: boolean;
  keys: KeyState[];
  models: string[];
}

/**
 * Adapters and key pools, built once per process from the environment. Every provider call
 * goes through `call`, which picks a key and feeds the outcome back to the pool.
 */
export function createProviderRuntime(options: ProviderRuntimeOptions) {
  const adapters = new Map<string, ProviderAdapter>();
  const pools = new Map<string, KeyPool>();

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

  return {
    adapter,

    async call<T>(providerId: string, ctx: Omit<CallContext, 'apiKey'>, body: (adapter: ProviderAdapter, ctx: CallContext) => Promise<T>): Promise<T> {
      const provider = providerOf(providerId);
      const keys = provider.requiresApiKey ? pool(providerId) : undefined;
      const release = await options.limiter?.acquire(providerId, ctx.signal);
      const apiKey = keys?.acquire();
      try {
        return await body(adapter(providerId), apiKey ? { ...ctx, apiKey } : ctx);
      } catch (err) {
        if (!(keys && apiKey && err instanceof ProviderError)) throw err;
        keys.report(apiKey, err.code, err.retryAfterMs);
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

    status(): ProviderStatus[] {
      return Object.values(providers).map((p) => {
        const keys = p.requiresApiKey ? pool(p.id).states() : [];
        return {
          id: p.id,
          displayName: p.displayName,
          baseUrl: providerSettings(p, options.env).baseUrl,
          requiresApiKey: p.requiresApiKey,
          configured: !p.requiresApiKey || keys.length > 0,
          keys,
          models: p.models.map((m) => m.id),
        };
      });
    },
  };
}
export type ProviderRuntime = ReturnType<typeof createProviderRuntime>;
