import { Router } from 'express';
import { z } from 'zod';
import { GenflowError } from '../../domain/errors';
import type { GenerationsRepo } from '../../db/generations-repo';
import { canSee, principalOf } from '../auth';
import { deleteGenerationMedia } from '../../media/delete-generation-media';
import type { Storage } from '../../media/storage/types';

/**
 * `DELETE /v1/generations/:id`: removes the generation's stored objects (outputs and prepared
 * inputs), its asset rows and the generation itself; 204. A generation still queued or
 * running answers 409: its workflow could write new objects after the delete, so it must be
 * cancelled (or allowed to finish) first.
 */
export function generationDeleteRoutes(deps: { repo: GenerationsRepo; storage: Storage }): Router {
  const router = Router();
  router.delete('/v1/generations/:id', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    const row = id.success ? await deps.repo.findById(id.data) : undefined;
    if (!row || !canSee(principalOf(res), row.owner)) throw new GenflowError('NOT_FOUND', `no generation with id '${req.params.id}'`);
    if (row.status === 'queued' || row.status === 'running') {
      throw new GenflowError('CONFLICT', `generation ${row.id} is still ${row.status}; cancel it or let it finish, then delete it`, {
        details: { status: row.status },
      });
    }
    try {
      // Objects first: if this fails the rows remain, and the client can simply retry the DELETE.
      await deleteGenerationMedia(deps.storage, row.id);
    } catch (err) {
      throw new GenflowError('STORAGE_FAILED', `deleting the generation's media failed; retry the DELETE`, { cause: err });
    }
    await deps.repo.deleteGeneration(row.id);
    res.status(204).end();
  });
  return router;
}
