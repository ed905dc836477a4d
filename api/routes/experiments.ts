import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { createExperimentBody } from '../../domain/experiment';
import type { LifecycleAction } from '../../domain/experiment-state';
import type { ExperimentsRepo } from '../../db/experiments-repo';
import type { ExperimentService } from '../experiment-service';
import { experimentView } from '../../views/experiment-views';
import { pageLimit } from '../pagination';
import { parseOrThrow } from '../validate';

export interface ExperimentRoutesDeps {
  experiments: ExperimentsRepo;
  service: ExperimentService;
  /** The admin gate (`adminOnly` in auth.ts). */
  admin: RequestHandler;
}

export const listQuery = z.strictObject({ limit: pageLimit(200, 50) });
export const resultsQuery = z.strictObject({ segment: z.string().min(1).max(100).optional() });
const ACTIONS: readonly LifecycleAction[] = ['start', 'pause', 'resume', 'complete'];

export function experimentRoutes(deps: ExperimentRoutesDeps): Router {
  const router = Router();
  router.use('/v1/experiments', deps.admin);

  router.post('/v1/experiments', async (req, res) => {
    const body = parseOrThrow(createExperimentBody, req.body ?? undefined);
    const row = await deps.service.create(body);
    res.status(201).json(experimentView(row));
  });

  router.get('/v1/experiments', async (req, res) => {
    const { limit } = parseOrThrow(listQuery, req.query);
    const rows = await deps.experiments.list(limit);
    res.json({ data: rows.map(experimentView) });
  });

  router.get('/v1/experiments/:id', async (req, res) => {
    res.json(experimentView(await deps.service.load(req.params.id)));
  });

  router.get('/v1/experiments/:id/results', async (req, res) => {
    const { segment } = parseOrThrow(resultsQuery, req.query);
    const row = await deps.service.load(req.params.id);
    res.json(await deps.service.results(row, segment));
  });

  for (const action of ACTIONS) {
    router.post(`/v1/experiments/:id/${action}`, async (req, res) => {
      res.json(experimentView(await deps.service.act(req.params.id, action)));
    });
  }
  return router;
}
