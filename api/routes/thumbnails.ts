import { Router } from 'express';
import sharp from 'sharp';
import { z } from 'zod';
import { GenflowError } from '../../domain/errors';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { Storage } from '../../media/storage/types';
import { parseOrThrow } from '../validate';

/** The sizes a thumbnail comes in: a few fixed ones, so the cache holds at most a few per asset. */
export const THUMBNAIL_SIZES = [128, 256, 512] as const;
export const thumbnailQuery = z
  .object({ size: z.enum(THUMBNAIL_SIZES.map(String) as ['128', '256', '512']).default('256').describe('Longest side in pixels') })
  .strict();

/** Stills and animations sharp can read; video and audio have no thumbnail (the console draws an icon). */
const THUMBNAILABLE = /^image\/(png|jpeg|webp|gif|avif|tiff)$/;
/** Decoding bombs are refused before they cost memory (a 16k × 16k image is already 1 GiB of pixels). */
const MAX_INPUT_PIXELS = 100_000_000;

/** Under the generation's folder, so deleting the generation deletes its thumbnails too. */
const thumbnailKey = (generationId: string, assetId: string, size: number) => `generations/${generationId}/thumbnails/${assetId}-${size}.webp`;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/**
 * `GET /v1/assets/:id/thumbnail?size=256`: a small WebP of an image output (the first frame of
 * an animation), made with sharp once and kept in storage, so a gallery of a hundred outputs
 * loads kilobytes instead of the full images. Public like the content it is made from: the
 * asset id is random (122 bits).
 */
export function thumbnailRoutes(deps: { repo: GenerationsRepo; storage: Storage }): Router {
  const router = Router();
  router.get('/v1/assets/:id/thumbnail', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    const asset = id.success ? await deps.repo.findAsset(id.data) : undefined;
    if (!asset) throw new GenflowError('NOT_FOUND', `no asset with id '${req.params.id}'`);
    const size = Number(parseOrThrow(thumbnailQuery, req.query, 'INVALID_REQUEST', 'query').size);
    if (!THUMBNAILABLE.test(asset.content_type)) {
      throw new GenflowError('UNSUPPORTED_CAPABILITY', `no thumbnail for ${asset.content_type} outputs`, { details: { contentType: asset.content_type } });
    }
    const key = thumbnailKey(asset.generation_id, asset.id, size);
    const cached = await deps.storage.get(key);
    let body: Buffer;
    if (cached) {
      body = await readAll(cached.stream);
    } else {
      const original = await deps.storage.get(asset.storage_key);
      if (!original) throw new GenflowError('STORAGE_FAILED', 'the asset is recorded but its bytes are missing from storage');
      body = await sharp(await readAll(original.stream), { limitInputPixels: MAX_INPUT_PIXELS })
        .rotate()
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 70 })
        .toBuffer();
      // A failed cache write costs the next request a resize, nothing more.
      await deps.storage.put(key, body, 'image/webp').catch(() => undefined);
    }
    res.setHeader('Content-Type', 'image/webp');
    res.setHeader('Content-Length', String(body.length));
    // The asset never changes, so neither does its thumbnail.
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.setHeader('ETag', `"${asset.sha256}-${size}"`);
    res.end(body);
  });
  return router;
}
