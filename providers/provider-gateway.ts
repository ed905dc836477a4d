import { resolve } from 'node:path';
import type { ProbeResult } from '../domain/alerts';
import { GenflowError, ProviderError } from '../domain/errors';
import { KeyPool, keyId, type KeyState } from './key-pool';
import type { KeyStateStore } from './key-state-store';
import type { ProviderLimiter } from './limiter';
import type { ModelCatalogue } from './catalogue';
import { builtInCatalogue } from './registry';
import { modelDisabled, type ProviderConfig, type ProviderConfigStore } from './provider-config';
import { boundedError, policedFetch } from './http';
import { normaliseBaseUrl, privateProviderUrlsAllowed, providerSettings, type ProviderSettings } from './settings';
import type { CallContext, Provider, ProviderAdapter } from './types';

export interface ProviderGatewayOptions {
  /** The providers this process serves (built-in and custom); the built-in ones without it. */
  catalogue?: ModelCatalogue;
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
  /** Settings made over the API; they override the environment's and take effect without a restart. */
  configs?: ProviderConfigStore;
  /** How stale this process's view of those settings may get; default 2 s. */
  configRefreshMs?: number;
  /** Told of every finished provider call (metrics): how long it took and the error code, if any. */
  observe?: (call: ProviderCallObservation) => void;
}

/** How one call picks its key. */
export interface CallOptions {
  /**
   * The id (`keyId`) of the key to use and no other: the key that submitted the task the call
   * is about. Absent (a submit, or a task recorded before keys were recorded), the pool rotates.
   */
  keyId?: string;
  /** The model a new job is started for (submits): refused when an admin switched it off. */
  model?: string;
}

export interface ProviderCallObservation {
  provider: string;
  seconds: number;
  /** Absent on success; the taxonomy code otherwise. */
  errorCode?: string;
}

/** One health probe: domain/alerts.ts decides alerts from it. */
export type ProbeOutcome = ProbeResult;

export interface ProviderStatus {
  id: string;
  displayName: string;
  baseUrl: string;
  requiresApiKey: boolean;
  configured: boolean;
  /** false when an admin disabled it over the API. */
  enabled: boolean;
  /** Where the base URL and the keys come from: set over the API, or the environment/defaults. */
  source: { baseUrl: 'api' | 'env'; apiKeys: 'api' | 'env' };
  timeoutMs?: number;
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
export function createProviderGateway(options: ProviderGatewayOptions) {
  const adapters = new Map<string, ProviderAdapter>();
  const adapterOf = new WeakMap<ProviderAdapter, Provider>();
  const pools = new Map<string, KeyPool>();
  const refreshedAt = new Map<string, number>();
  const refreshMs = options.keyStateRefreshMs ?? 1_000;
  const store = options.keyStates;
  let configs = new Map<string, ProviderConfig>();
  let configsAt = 0;
  let configsLoading: Promise<void> | undefined;
  // Read through the catalogue at each use: providers declared over the API come and go.
  const catalogue = options.catalogue ?? builtInCatalogue;

  function providerOf(id: string): Provider {
    const provider = Object.hasOwn(catalogue.providers, id) ? catalogue.providers[id] : undefined;
    if (!provider) throw new ProviderError('INTERNAL_ERROR', `unknown provider '${id}'`, { retryable: false });
    return provider;
  }

  /** The environment's settings with the API-set config on top. */
  function settings(provider: Provider): ProviderSettings {
    const fromEnv = providerSettings(provider, options.env);
    const config = configs.get(provider.id);
    return {
      baseUrl: config?.baseUrl ? normaliseBaseUrl(provider, config.baseUrl) : fromEnv.baseUrl,
      apiKeys: config?.apiKeys ?? fromEnv.apiKeys,
      extra: fromEnv.extra,
    };
  }

  function pool(id: string): KeyPool {
    let p = pools.get(id);
    if (!p) {
      p = new KeyPool(id, settings(providerOf(id)).apiKeys);
      pools.set(id, p);
    }
    return p;
  }

  function adapter(id: string): ProviderAdapter {
    let a = adapters.get(id);
    // A custom provider redeclared over the API is a new Provider object: its adapter is rebuilt.
    if (a && adapterOf.get(a) !== providerOf(id)) a = undefined;
    if (!a) {
      const provider = providerOf(id);
      const timeoutMs = configs.get(id)?.timeoutMs;
      a = provider.createAdapter({
        dataDir: resolve(options.dataDir, 'providers', id),
        baseUrl: settings(provider).baseUrl,
        settings: settings(provider).extra,
        // Every URL an adapter calls is checked against the address policy before the key goes out.
        fetch: policedFetch(options.fetch ?? fetch, id, { allowPrivate: privateProviderUrlsAllowed(options.env) }),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      });
      adapters.set(id, a);
      adapterOf.set(a, provider);
    }
    return a;
  }

  /**
   * Re-reads the API-set configs when they may be stale; a provider whose config changed gets a
   * new adapter and key pool on its next call (key state is merged back from the shared store).
   */
  async function refreshConfigs(force = false): Promise<void> {
    if (!options.configs) return;
    if (!force && Date.now() - configsAt < (options.configRefreshMs ?? 2_000)) return;
    configsLoading ??= (async () => {
      try {
        const next = new Map((await options.configs!.list()).map((c) => [c.providerId, c]));
        for (const id of new Set([...configs.keys(), ...next.keys()])) {
          if (configs.get(id)?.version !== next.get(id)?.version || configs.has(id) !== next.has(id)) {
            adapters.delete(id);
            pools.delete(id);
            refreshedAt.delete(id);
          }
        }
        configs = next;
        configsAt = Date.now();
      } catch (err) {
        // The last known configs stay in force; the next call tries again.
        options.onKeyStateError?.(err);
      } finally {
        configsLoading = undefined;
      }
    })();
    await configsLoading;
  }

  async function refresh(providerId: string | undefined, force = false): Promise<void> {
    if (!store) return;
    const key = providerId ?? '*';
    if (!force && Date.now() - (refreshedAt.get(key) ?? 0) < refreshMs) return;
    try {
      const rows = await store.load(providerId);
      const ids = providerId ? [providerId] : Object.values(catalogue.providers).filter((p) => p.requiresApiKey).map((p) => p.id);
      for (const id of ids) pool(id).merge(rows.filter((r) => r.providerId === id));
      refreshedAt.set(key, Date.now());
    } catch (err) {
      options.onKeyStateError?.(err);
    }
  }

  /** Every key of every pool in the process: what must never appear in an error. */
  function allPools(): KeyPool[] {
    return Object.values(catalogue.providers).filter((p) => p.requiresApiKey).map((p) => pool(p.id));
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

  async function keyedCall<T>(
    providerId: string,
    ctx: Omit<CallContext, 'apiKey'>,
    body: (adapter: ProviderAdapter, ctx: CallContext) => Promise<T>,
    callOptions: CallOptions = {},
  ): Promise<{ value: T; keyId?: string }> {
    // A custom provider declared over the API a moment ago may not have reached this process yet.
    await catalogue.findProviderFresh(providerId);
    const provider = providerOf(providerId);
    await refreshConfigs();
    const config = configs.get(providerId);
    if (config && !config.enabled) {
      throw new ProviderError('PROVIDER_UNAVAILABLE', `${providerId} is disabled by its configuration`, { retryable: false });
    }
    if (callOptions.model && modelDisabled(config, callOptions.model)) {
      throw new ProviderError('PROVIDER_UNAVAILABLE', `${callOptions.model} is disabled by its provider's configuration`, { retryable: false });
    }
    if (provider.requiresApiKey) await refresh(providerId);
    const keys = provider.requiresApiKey ? pool(providerId) : undefined;
    const pinned = keys && callOptions.keyId ? callOptions.keyId : undefined;
    // The key first: when none is usable it throws, and no limiter slot is taken for nothing.
    const apiKey = pinned ? keys!.acquireById(pinned) : keys?.acquire();
    const release = await options.limiter?.acquire(providerId, ctx.signal, config?.rateLimit);
    const started = performance.now();
    const observed = (errorCode?: string) =>
      options.observe?.({ provider: providerId, seconds: (performance.now() - started) / 1000, ...(errorCode ? { errorCode } : {}) });
    try {
      const value = await body(adapter(providerId), apiKey ? { ...ctx, apiKey } : ctx);
      observed();
      return apiKey ? { value, keyId: keyId(apiKey) } : { value };
    } catch (raw) {
      // Keys masked first, then the message made fit for users (the whole text goes to the error log).
      const err = boundedError(scrub(raw));
      observed(err instanceof GenflowError ? err.code : 'INTERNAL_ERROR');
      if (!(keys && apiKey && err instanceof ProviderError)) throw err;
      const changed = keys.report(apiKey, err.code, err.retryAfterMs, err.message);
      if (changed && store) {
        // Written before the retry, so another worker picking up the retry skips this key too.
        await store.save(providerId, changed).catch((e: unknown) => options.onKeyStateError?.(e));
      }
      if (pinned) {
        // No other key may take it: a rejected key leaves the task unreachable; a rate-limited
        // one is waited for (its Retry-After is on the error).
        if (err.code === 'AUTHENTICATION_FAILED') {
          throw new ProviderError('PROVIDER_KEY_UNAVAILABLE', `the ${providerId} API key that submitted this task was rejected: ${err.message}`, {
            details: { provider: providerId, keyId: pinned, reason: 'rejected' },
            cause: err,
          });
        }
        throw err;
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
  }

  return {
    /** The providers and models this gateway calls: the API and the activities look models up here. */
    catalogue,

    adapter,

    /** After a config change through this process: the next call uses it at once. */
    reloadConfigs: () => refreshConfigs(true),

    /**
     * One provider call with a key from the pool. `options.keyId` pins the key (by its id): the
     * call is about a task that key submitted, and only its account knows the task.
     */
    async call<T>(providerId: string, ctx: Omit<CallContext, 'apiKey'>, body: (adapter: ProviderAdapter, ctx: CallContext) => Promise<T>, options: CallOptions = {}): Promise<T> {
      return (await keyedCall(providerId, ctx, body, options)).value;
    },

    /** `call`, also saying which key (by id, never its text) made it: a submit records it with its task. */
    callKeyed: keyedCall,

    /** Any text with every configured key masked: for error logs and alert messages. */
    redact(text: string): string {
      return allPools().reduce((acc, p) => p.redact(acc), text);
    },

    /**
     * The provider's health probe through `call` (so a rejected key leaves the pool as on any
     * call), or, for an adapter without one, the key pool's state. Never throws; `onFailure`
     * gets a failed probe's error.
     */
    async probe(providerId: string, signal?: AbortSignal, onFailure?: (err: unknown) => void): Promise<ProbeOutcome> {
      const provider = providerOf(providerId);
      const started = Date.now();
      const withProbe = adapter(providerId).probe !== undefined;
      let failure: { code: string; message: string } | undefined;
      if (withProbe) {
        try {
          await this.call(providerId, { generationId: 'health-probe', attempt: 1, ...(signal ? { signal } : {}) }, (a, ctx) => a.probe!(ctx));
        } catch (err) {
          const e = scrub(err);
          // The error itself (with the provider's whole answer as its cause) is for the error log only.
          onFailure?.(e);
          failure = e instanceof GenflowError ? { code: e.code, message: e.message } : { code: 'INTERNAL_ERROR', message: e instanceof Error ? e.message : String(e) };
        }
      }
      if (provider.requiresApiKey) await refresh(providerId, true);
      const keys = provider.requiresApiKey ? pool(providerId).states() : [];
      const active = keys.filter((k) => k.status === 'active').length;
      const keysOk = !provider.requiresApiKey || active > 0;
      return {
        provider: providerId,
        ok: failure === undefined && keysOk,
        latencyMs: Date.now() - started,
        method: withProbe ? 'probe' : 'keys',
        ...(failure ?? (keysOk ? {} : { code: 'AUTHENTICATION_FAILED', message: keys.length ? 'no usable API key' : 'no API key configured' })),
        requiresApiKey: provider.requiresApiKey,
        keys: { total: keys.length, active },
      };
    },

    /** Providers, their models and each key's state as all processes recorded it. */
    async status(): Promise<ProviderStatus[]> {
      await refreshConfigs(true);
      await refresh(undefined, true);
      return Object.values(catalogue.providers).map((p) => {
        const keys = p.requiresApiKey ? pool(p.id).states() : [];
        const config = configs.get(p.id);
        return {
          id: p.id,
          displayName: p.displayName,
          baseUrl: displayUrl(settings(p).baseUrl),
          requiresApiKey: p.requiresApiKey,
          // A keyless provider may still need settings (Vertex's credentials): without them it is not configured,
          // so readiness and health probes leave it out as they do a provider without keys.
          configured: (!p.requiresApiKey || keys.length > 0) && !p.missingSettings?.(settings(p).extra),
          enabled: config?.enabled ?? true,
          source: { baseUrl: config?.baseUrl ? 'api' : 'env', apiKeys: config?.apiKeys ? 'api' : 'env' },
          ...(config?.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
          custom: p.custom ?? false,
          keys,
          models: p.models.map((m) => ({ id: m.id, kinds: m.kinds })),
        };
      });
    },
  };
}
export type ProviderGateway = ReturnType<typeof createProviderGateway>;
