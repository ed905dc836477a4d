import { Router } from 'express';
import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { GenflowError } from '../../domain/errors';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { Storage } from '../../media/storage/types';

/** Types a browser shows as media and never runs: raster images, audio, video (SVG is a document with scripts). */
const MEDIA = /^(image\/(?!svg)[\w.+-]+|audio\/[\w.+-]+|video\/[\w.+-]+)\s*(;|$)/i;

/**
 * Assets are served from genflow's own origin, next to its pages, and some are written by users
 * (a text-to-text output repeats the prompt). So none may be read as a page of that origin:
 * `nosniff` keeps the stored type, the CSP allows nothing and sandboxes the document (no
 * scripts, an opaque origin), and anything but media is a download. Media documents need their
 * own bytes (`media-src`/`img-src 'self'`, and a same-origin sandbox so the player may load
 * them) and the browser's inline centering styles; they still run no script.
 */
export function assetHeaders(asset: { id: string; content_type: string; storage_key: string }): Record<string, string> {
  const media = MEDIA.test(asset.content_type);
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': media
      ? "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox allow-same-origin"
      : "default-src 'none'; sandbox",
    ...(media ? {} : { 'Content-Disposition': attachment(asset) }),
  };
}

const attachment = (asset: { id: string; storage_key: string }) => {
  const ext = extname(asset.storage_key).replace(/[^\w.]/g, '');
  return `attachment; filename="${asset.id}${ext}"`;
};

export function assetRoutes(deps: { repo: GenerationsRepo; storage: Storage }): Router {
  const router = Router();
  router.get('/v1/assets/:id/content', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    const asset = id.success ? await deps.repo.findAsset(id.data) : undefined;
    if (!asset) throw new GenflowError('NOT_FOUND', `no asset with id '${req.params.id}'`);
    const headers = assetHeaders(asset);
    res.set(headers);
    if (deps.storage.presignGet) {
      // S3: the bytes come straight from the bucket through a short-lived presigned URL; the
      // asset URL handed to clients stays stable while the presigned one expires. The bucket
      // is another origin; it sets the type and, for non-media, the download disposition.
      res.setHeader('Cache-Control', 'private, no-store');
      const disposition = headers['Content-Disposition'];
      res.redirect(302, await deps.storage.presignGet(asset.storage_key, { contentType: asset.content_type, ...(disposition ? { contentDisposition: disposition } : {}) }));
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
