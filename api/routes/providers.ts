import { Router } from 'express';
import type { ProviderGateway } from '../../providers/provider-gateway';

/**
 * `GET /v1/providers`: what is registered, whether it is configured, where it points, and the
 * state of each API key as every worker recorded it. Keys are shown masked, never in full.
 */
export function providerRoutes(deps: { providers: Pick<ProviderGateway, 'status'> }): Router {
  const router = Router();
  router.get('/v1/providers', async (_req, res) => {
    res.json({ data: await deps.providers.status() });
  });
  return router;
}
