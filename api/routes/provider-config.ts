import { Router, type RequestHandler } from 'express';
import { GenflowError } from '../../domain/errors';
import { maskKey } from '../../providers/key-pool';
import { providerConfigBody, type ProviderConfig, type ProviderConfigStore } from '../../providers/provider-config';
import { providers } from '../../providers/registry';
import type { ProviderRuntime } from '../../providers/runtime';
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
    version: c.version,
    updatedAt: c.updatedAt.toISOString(),
  };
}

function knownProvider(id: string): string {
  if (!providers[id]) throw new GenflowError('NOT_FOUND', `no provider '${id}' (GET /v1/providers lists them)`);
  return id;
}

/**
 * Admin: a provider's settings over the API — base URL, API keys (encrypted at rest, shown
 * masked), enabled, time-out, rate limit. They override the environment in every process
 * within a couple of seconds, no restart; DELETE returns the provider to its environment settings.
 */
export function providerConfigRoutes(deps: { store: ProviderConfigStore; runtime: Pick<ProviderRuntime, 'reloadConfigs'>; admin: RequestHandler }): Router {
  const router = Router();
  router.get('/v1/providers/:id/config', deps.admin, async (req, res) => {
    const id = knownProvider(String(req.params.id));
    const config = await deps.store.get(id);
    if (!config) throw new GenflowError('NOT_FOUND', `${id} has no configuration set over the API; it uses the environment's settings`);
    res.json(view(config));
  });
  router.put('/v1/providers/:id/config', deps.admin, async (req, res) => {
    const id = knownProvider(String(req.params.id));
    const body = parseOrThrow(providerConfigBody, req.body ?? {}, 'INVALID_REQUEST');
    const config = await deps.store.put(id, body);
    await deps.runtime.reloadConfigs();
    res.json(view(config));
  });
  router.delete('/v1/providers/:id/config', deps.admin, async (req, res) => {
    const id = knownProvider(String(req.params.id));
    if (!(await deps.store.delete(id))) throw new GenflowError('NOT_FOUND', `${id} has no configuration set over the API`);
    await deps.runtime.reloadConfigs();
    res.status(204).end();
  });
  return router;
}
