import { Router, type RequestHandler } from 'express';
import { GenflowError } from '../../domain/errors';
import { maskKey } from '../../providers/key-pool';
import { baseUrlRefusal, providerConfigBody, type ProviderConfig, type ProviderConfigBody, type ProviderConfigStore } from '../../providers/provider-config';
import type { ProviderGateway } from '../../providers/provider-gateway';
import { normaliseBaseUrl, privateProviderUrlsAllowed, providerSettings } from '../../providers/settings';
import type { Provider } from '../../providers/types';
import { parseOrThrow } from '../validate';

function view(c: ProviderConfig) {
  return {
    providerId: c.providerId,
    baseUrl: c.baseUrl ?? null,
    // Shown masked, always: the keys were given once and are not handed back.
    apiKeys: c.apiKeys?.map(maskKey) ?? null,
    enabled: c.enabled,
    timeoutMs: c.timeoutMs ?? null,
    rateLimit: c.rateLimit ?? null,
    models: c.models ?? null,
    version: c.version,
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Own entries of the catalogue only: `__proto__`, `constructor` or `toString` name no provider. */
function knownProvider(providers: Readonly<Record<string, Provider>>, id: string): Provider {
  const provider = Object.hasOwn(providers, id) ? providers[id] : undefined;
  if (!provider) throw new GenflowError('NOT_FOUND', `no provider '${id}' (GET /v1/providers lists them)`);
  return provider;
}

/** Origin and path, so `https://API.example/v1/` and `https://api.example/v1` are the same place. */
function samePlace(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return a === b;
  }
}

export interface ProviderConfigRouteDeps {
  store: ProviderConfigStore;
  gateway: Pick<ProviderGateway, 'reloadConfigs' | 'catalogue'>;
  admin: RequestHandler;
  /** The environment the gateway reads (`GENFLOW_<P>_BASE_URL`, GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS); default process.env. */
  env?: Record<string, string | undefined>;
}

/**
 * Admin: a provider's settings over the API — base URL, API keys (encrypted at rest, shown
 * masked), enabled, time-out, rate limit. They override the environment in every process
 * within a couple of seconds, no restart; DELETE returns the provider to its environment settings.
 *
 * Keys belong to a host: a PUT whose baseUrl differs from the environment's must bring its own
 * apiKeys, or say `rebindKeys: true` to send the keys in force there. Otherwise an admin key
 * (or whoever holds one) could read the operator's environment keys by pointing the provider
 * at a server of its own.
 */
export function providerConfigRoutes(deps: ProviderConfigRouteDeps): Router {
  const router = Router();
  const env = deps.env ?? process.env;

  /** The body to store: the base URL checked, and the keys that go with it decided. */
  async function checked(provider: Provider, body: ProviderConfigBody): Promise<ProviderConfigBody> {
    const { rebindKeys, ...config } = body;
    for (const [modelId, settings] of Object.entries(config.models ?? {})) {
      const model = provider.models.find((m) => m.id === modelId);
      if (!model) {
        throw new GenflowError('INVALID_REQUEST', `models.${modelId}: ${provider.id} has no such model (GET /v1/models lists them)`, { details: { field: `models.${modelId}` } });
      }
      // A submit without parameters gets exactly these, so they must be valid on their own.
      if (settings.defaults !== undefined) parseOrThrow(model.parameters, settings.defaults, 'INVALID_REQUEST', `models.${modelId}.defaults`);
    }
    if (config.baseUrl !== undefined) {
      const refusal = await baseUrlRefusal(config.baseUrl, { allowPrivate: privateProviderUrlsAllowed(env) });
      if (refusal) throw new GenflowError('INVALID_REQUEST', `baseUrl: ${refusal}`, { details: { field: 'baseUrl' } });
    }
    if (rebindKeys && config.apiKeys) {
      throw new GenflowError('INVALID_REQUEST', 'rebindKeys: give either apiKeys (keys for this baseUrl) or rebindKeys: true (keep the keys in force), not both', {
        details: { field: 'rebindKeys' },
      });
    }
    if (rebindKeys) {
      // The keys in force: those set over the API (a PUT would otherwise drop them), else the environment's.
      const stored = await deps.store.get(provider.id);
      return stored?.apiKeys ? { ...config, apiKeys: stored.apiKeys } : config;
    }
    const newHost =
      provider.requiresApiKey &&
      config.baseUrl !== undefined &&
      !config.apiKeys &&
      !samePlace(normaliseBaseUrl(provider, config.baseUrl), providerSettings(provider, env).baseUrl);
    if (newHost) {
      throw new GenflowError(
        'INVALID_REQUEST',
        `baseUrl: the ${provider.id} keys in force were given for another base URL; a new baseUrl needs its own apiKeys, or "rebindKeys": true to send the keys in force (set over the API, else the environment's) to it`,
        { details: { field: 'baseUrl' } },
      );
    }
    return config;
  }

  router.get('/v1/providers/:id/config', deps.admin, async (req, res) => {
    const { id } = knownProvider(deps.gateway.catalogue.providers, String(req.params.id));
    const config = await deps.store.get(id);
    if (!config) throw new GenflowError('NOT_FOUND', `${id} has no configuration set over the API; it uses the environment's settings`);
    res.json(view(config));
  });
  router.put('/v1/providers/:id/config', deps.admin, async (req, res) => {
    const provider = knownProvider(deps.gateway.catalogue.providers, String(req.params.id));
    const body = parseOrThrow(providerConfigBody, req.body ?? {}, 'INVALID_REQUEST');
    const config = await deps.store.put(provider.id, await checked(provider, body));
    await deps.gateway.reloadConfigs();
    res.json(view(config));
  });
  router.delete('/v1/providers/:id/config', deps.admin, async (req, res) => {
    const { id } = knownProvider(deps.gateway.catalogue.providers, String(req.params.id));
    if (!(await deps.store.delete(id))) throw new GenflowError('NOT_FOUND', `${id} has no configuration set over the API`);
    await deps.gateway.reloadConfigs();
    res.status(204).end();
  });
  return router;
}
