import { Router, type Request } from 'express';
import { z } from 'zod';
import { BatchLimits } from '../../domain/batch';
import { createBatchBody } from '../../domain/batch-body';
import { GenflowError } from '../../domain/errors';
import type { BatchService } from '../batch-service';
import { principalOf } from '../auth';
import { idempotencyKeyOf } from '../idempotency-key';
import { pageLimit } from '../pagination';
import type { SubmitChecks } from '../submit-checks';
import { parseOrThrow } from '../validate';
import { decodeCursor } from '../../db/generation-search';

const idParam = z.uuid();
export const listQuery = z
  .object({
    cursor: z.coerce.number().int().min(0).default(0),
    limit: pageLimit(BatchLimits.maxListLimit, BatchLimits.defaultListLimit),
  })
  .strict();

/** `GET /v1/batches`: keyset-paged like the generations list. */
export const batchListQuery = z
  .object({
    cursor: z.string().max(200).optional(),
    limit: pageLimit(100, 20),
  })
  .strict();

function batchId(raw: string | string[] | undefined): string {
  const id = idParam.safeParse(raw);
  if (!id.success) throw new GenflowError('NOT_FOUND', `no batch with id '${String(raw)}'`);
  return id.data;
}

/** `?dryRun=true`: validate every item and estimate, write and start nothing. */
export const submitQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() });

export function batchRoutes(deps: { service: BatchService; checks: SubmitChecks; baseUrl: (req: Request) => string }): Router {
  const router = Router();

  router.post('/v1/batches', async (req, res) => {
    const body = parseOrThrow(createBatchBody, req.body ?? undefined);
    if (parseOrThrow(submitQuery, req.query, 'INVALID_REQUEST', 'query').dryRun === 'true') {
      res.status(200).json(await deps.checks.batch(body));
      return;
    }
    const { batch, created } = await deps.service.create(body, principalOf(res), idempotencyKeyOf(req));
    res.status(created ? 202 : 200).json(batch);
  });

  router.get('/v1/batches', async (req, res) => {
    const { cursor, limit } = parseOrThrow(batchListQuery, req.query, 'INVALID_REQUEST', 'query');
    const position = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !position) throw new GenflowError('INVALID_REQUEST', 'query.cursor: not a cursor from this API');
    res.json(await deps.service.list(principalOf(res), position, limit));
  });

  router.get('/v1/batches/:id', async (req, res) => {
    const id = batchId(req.params.id);
    const { cursor, limit } = parseOrThrow(listQuery, req.query);
    res.json(await deps.service.get(id, cursor, limit, principalOf(res), deps.baseUrl(req)));
  });

  router.post('/v1/batches/:id/cancel', async (req, res) => {
    res.status(202).json(await deps.service.cancel(batchId(req.params.id), principalOf(res), deps.baseUrl(req)));
  });

  return router;
}
