import { Router } from 'express';
import { z } from 'zod';
import { GenflowError } from '../../domain/errors';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { ExperimentsRepo } from '../../db/experiments-repo';
import type { ExperimentService } from '../experiment-service';
import { canSee, principalOf } from '../auth';
import { parseOrThrow } from '../validate';

export const ratingBody = z.strictObject({
  rating: z.int().min(1).max(5),
  feedback: z.string().max(4000).optional(),
});

export interface RatingRoutesDeps {
  repo: GenerationsRepo;
  experiments: ExperimentsRepo;
  service: ExperimentService;
}

/** `POST /v1/generations/:id/rating`: stored, and forwarded to the generation's experiment. */
export function ratingRoutes(deps: RatingRoutesDeps): Router {
  const router = Router();
  router.post('/v1/generations/:id/rating', async (req, res) => {
    const body = parseOrThrow(ratingBody, req.body ?? undefined);
    const id = z.uuid().safeParse(req.params.id);
    const row = id.success ? await deps.repo.findById(id.data) : undefined;
    if (!row || !canSee(principalOf(res), row.owner)) throw new GenflowError('NOT_FOUND', `no generation with id '${req.params.id}'`);
    if (row.status !== 'succeeded') {
      throw new GenflowError('CONFLICT', `only a succeeded generation can be rated; this one is ${row.status}`, { details: { status: row.status } });
    }
    const previous = await deps.experiments.upsertRating(row.id, body.rating, body.feedback);
    let experimentNotified = false;
    if (row.experiment_id && row.experiment_variant) {
      experimentNotified = await deps.service.signalRating(row.experiment_id, {
        generationId: row.id,
        variantId: row.experiment_variant,
        rating: body.rating,
        ...(previous !== undefined ? { previousRating: previous } : {}),
        ...(row.experiment_segment ? { segment: row.experiment_segment } : {}),
      });
    }
    res.json({
      generationId: row.id,
      rating: body.rating,
      ...(body.feedback !== undefined ? { feedback: body.feedback } : {}),
      ...(row.experiment_id ? { experimentId: row.experiment_id, variantId: row.experiment_variant, experimentNotified } : {}),
    });
  });
  return router;
}
