import { Router, type Request } from 'express';
import { z } from 'zod';
import { GenflowError } from '../../domain/errors';
import { createGenerationBody } from '../../domain/generation';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { ExperimentService } from '../experiment-service';
import type { GenerationService } from '../generation-service';
import { parseOrThrow } from '../validate';
import { generationView } from '../views';

const idempotencyKey = z.string().min(1).max(255).optional();
const idParam = z.uuid();

export interface GenerationRoutesDeps {
  repo: GenerationsRepo;
  service: GenerationService;
  baseUrl(req: Request): string;
  /** Allocates requests that name an `experimentId`; absent, such requests are rejected. */
  experiments?: ExperimentService;
}

export function generationRoutes(deps: GenerationRoutesDeps): Router {
  const router = Router();

  router.post('/v1/generations', async (req, res) => {
    const key = parseOrThrow(idempotencyKey, req.get('idempotency-key'), 'INVALID_REQUEST', 'Idempotency-Key');
    const raw: unknown = req.body ?? undefined;
    if (deps.experiments && typeof raw === 'object' && raw !== null && 'experimentId' in raw) {
      const { body, assignment } = await deps.experiments.allocate(raw, key);
      const { row, created } = await deps.service.create(body, key, assignment);
      const assets = created ? [] : await deps.repo.listAssets(row.id);
      res.status(created ? 202 : 200).json(generationView(row, assets, deps.baseUrl(req)));
      return;
    }
    const body = parseOrThrow(createGenerationBody, raw);
    const { row, created } = await deps.service.create(body, key);
    const assets = created ? [] : await deps.repo.listAssets(row.id);
    res.status(created ? 202 : 200).json(generationView(row, assets, deps.baseUrl(req)));
  });

  router.get('/v1/generations/:id', async (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const row = id.success ? await deps.repo.findById(id.data) : undefined;
    if (!row) throw new GenflowError('NOT_FOUND', `no generation with id '${req.params.id}'`);
    res.json(generationView(row, await deps.repo.listAssets(row.id), deps.baseUrl(req)));
  });

  return router;
}
