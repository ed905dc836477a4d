import { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { GenflowError } from '../../domain/errors';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { Storage } from '../../media/storage/types';

export function assetRoutes(deps: { repo: GenerationsRepo; storage: Storage }): Router {
  const router = Router();
  router.get('/v1/assets/:id/content', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    const asset = id.success ? await deps.repo.findAsset(id.data) : undefined;
    if (!asset) throw new GenflowError('NOT_FOUND', `no asset with id '${req.params.id}'`);
    if (deps.storage.presignGet) {
      // S3: the bytes come straight from the bucket through a short-lived presigned URL; the
      // asset URL handed to clients stays stable while the presigned one expires.
      res.setHeader('Cache-Control', 'private, no-store');
      res.redirect(302, await deps.storage.presignGet(asset.storage_key, { contentType: asset.content_type }));
      return;
    }
    const object = await deps.storage.get(asset.storage_key);
    if (!object) throw new GenflowError('STORAGE_FAILED', 'the asset is recorded but its bytes are missing from storage');
    res.setHeader('Content-Type', asset.content_type);
    res.setHeader('Content-Length', String(object.bytes));
    // Ids are random and content never changes once stored.
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.setHeader('ETag', `"${asset.sha256}"`);
    await pipeline(object.stream, res);
  });
  return router;
}
