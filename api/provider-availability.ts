import { GenflowError } from '../domain/errors';
import { modelDefaults, modelDisabled, type ProviderConfig, type ProviderConfigStore } from '../providers/provider-config';
import type { ModelCatalogue } from '../providers/catalogue';
import { envPrefix, providerSettings } from '../providers/settings';
import type { Provider } from '../providers/types';

export interface Availability {
  available: boolean;
  /** Why not: no key (or, for a keyless provider, no credentials) configured, or disabled by an admin. */
  code?: 'no_api_key' | 'disabled';
  /** Why not, and how to fix it, in words. */
  reason?: string;
}

export interface ProviderAvailabilityDeps {
  env: Record<string, string | undefined>;
  /** The providers whose availability is reported. */
  catalogue: ModelCatalogue;
  /** Settings made over the API (`PUT /v1/providers/:id/config`); the environment's alone without it. */
  configs?: ProviderConfigStore;
  /** How stale the view of those settings may get; default 1 s. */
  refreshMs?: number;
}

/** How to give a provider its keys, for the error and for `/v1/models`. */
export function howToConfigure(providerId: string): string {
  const prefix = envPrefix(providerId);
  return `set ${prefix}API_KEYS=key1,key2 (or ${prefix}API_KEY) and restart, or PUT /v1/providers/${providerId}/config with {"apiKeys": ["..."]}`;
}

/**
 * Whether a provider can take calls from this server: it needs no key (`local`, keyless
 * providers), or keys are configured in the environment or over the config API, and an admin
 * has not disabled it. Keys that are configured but cooling down or rejected still count:
 * that is the key pool's business at call time, not a reason to refuse a submit.
 */
export function createProviderAvailability(deps: ProviderAvailabilityDeps) {
  let configs = new Map<string, ProviderConfig>();
  let loadedAt = -Infinity;
  let loading: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    if (!deps.configs || Date.now() - loadedAt < (deps.refreshMs ?? 1_000)) return;
    loading ??= (async () => {
      try {
        configs = new Map((await deps.configs!.list()).map((c) => [c.providerId, c]));
        loadedAt = Date.now();
      } finally {
        loading = undefined;
      }
    })();
    await loading;
  }

  function check(provider: Provider): Availability {
    const config = configs.get(provider.id);
    if (config && !config.enabled) {
      return { available: false, code: 'disabled', reason: `${provider.id} is disabled by its configuration (PUT /v1/providers/${provider.id}/config with {"enabled": true})` };
    }
    if (!provider.requiresApiKey) {
      const missing = provider.missingSettings?.(providerSettings(provider, deps.env).extra);
      return missing ? { available: false, code: 'no_api_key', reason: `${provider.id} is not configured: ${missing}` } : { available: true };
    }
    const keys = config?.apiKeys ?? providerSettings(provider, deps.env).apiKeys;
    if (keys.length > 0) return { available: true };
    return { available: false, code: 'no_api_key', reason: `no API key is configured for ${provider.id}: ${howToConfigure(provider.id)}` };
  }

  /** The provider's availability, or why this one model is off when an admin switched it off. */
  function checkModel(provider: Provider, modelId: string): Availability {
    const state = check(provider);
    if (!state.available || !modelDisabled(configs.get(provider.id), modelId)) return state;
    return { available: false, code: 'disabled', reason: `${modelId} is disabled by its provider's configuration (PUT /v1/providers/${provider.id}/config with "models")` };
  }

  return {
    async of(provider: Provider): Promise<Availability> {
      await refresh();
      return check(provider);
    },

    async ofModel(provider: Provider, modelId: string): Promise<Availability> {
      await refresh();
      return checkModel(provider, modelId);
    },

    /**
     * The parameter defaults admins set per model (`models.<id>.defaults`), as a lookup that
     * stays as read: one submit sees one version of them, fallbacks included.
     */
    async modelDefaults(): Promise<(modelId: string) => Record<string, unknown> | undefined> {
      await refresh();
      const snapshot = configs;
      return (modelId) => {
        const provider = deps.catalogue.findModel(modelId)?.provider;
        return provider ? modelDefaults(snapshot.get(provider.id), modelId) : undefined;
      };
    },

    /** Every registered model's availability, by model id. */
    async allModels(): Promise<Map<string, Availability>> {
      await refresh();
      return new Map(Object.values(deps.catalogue.providers).flatMap((p) => p.models.map((m) => [m.id, checkModel(p, m.id)] as const)));
    },

    async all(): Promise<Map<string, Availability>> {
      await refresh();
      return new Map(Object.values(deps.catalogue.providers).map((p) => [p.id, check(p)]));
    },

    /**
     * Refuses a submit at once (503 PROVIDER_UNAVAILABLE) when the provider has no key, instead
     * of accepting it to fail later. A disabled provider is left to the workflow: its
     * generations fail there with the same code, or move on to their fallbacks.
     */
    async requireKeys(provider: Provider, field = 'model'): Promise<void> {
      await refresh();
      const state = check(provider);
      if (state.code !== 'no_api_key') return;
      throw new GenflowError('PROVIDER_UNAVAILABLE', `${field}: ${state.reason}`, {
        details: { provider: provider.id, configure: provider.requiresApiKey ? howToConfigure(provider.id) : state.reason },
      });
    },
  };
}
export type ProviderAvailability = ReturnType<typeof createProviderAvailability>;
