import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../db/generation-search';
import { alertView, type AlertsRepo } from '../../db/alerts-repo';
import type { ErrorLogsRepo } from '../../db/error-logs-repo';
import type { ErrorLogRow } from '../../db/schema';
import { GenflowError } from '../../domain/errors';
import { pageLimit } from '../pagination';
import { parseOrThrow, storableDateTime } from '../validate';

const limit = pageLimit(200, 50);
const datetime = storableDateTime().optional();
const INT8_MAX = 9_223_372_036_854_775_807n;

export const errorsQuery = z
  .object({
    provider: z.string().min(1).max(100).optional(),
    code: z.string().min(1).max(64).optional(),
    generationId: z.string().min(1).max(100).optional(),
    from: datetime,
    to: datetime,
    cursor: z
      .string()
      .regex(/^\d{1,19}$/, 'not a cursor from this API')
      .refine((c) => !/^\d+$/.test(c) || BigInt(c) <= INT8_MAX, 'not a cursor from this API')
      .optional(),
    limit,
  })
  .strict();

export const alertsQuery = z
  .object({
    status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
    rule: z.string().min(1).max(100).optional(),
    subject: z.string().min(1).max(200).optional(),
    cursor: z.string().max(200).optional(),
    limit,
  })
  .strict();

export const ackBody = z.object({ by: z.string().trim().min(1).max(200).optional() }).strict();

function errorView(row: ErrorLogRow) {
  return {
    id: String(row.id),
    generationId: row.generation_id,
    provider: row.provider,
    model: row.model,
    stage: row.stage,
    source: row.source,
    code: row.code,
    message: row.message,
    attempt: row.attempt,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export interface AlertRoutesDeps {
  errorLogs: ErrorLogsRepo;
  alerts: AlertsRepo;
  admin: RequestHandler;
}

/** The error log and the alerts raised from it: operators only (admin keys, `adminOnly`). */
export function alertRoutes(deps: AlertRoutesDeps): Router {
  const router = Router();

  router.get('/v1/errors', deps.admin, async (req, res) => {
    const q = parseOrThrow(errorsQuery, req.query, 'INVALID_REQUEST', 'query');
    const page = await deps.errorLogs.list({
      limit: q.limit,
      ...(q.provider ? { provider: q.provider } : {}),
      ...(q.code ? { code: q.code } : {}),
      ...(q.generationId ? { generationId: q.generationId } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
      ...(q.cursor ? { before: q.cursor } : {}),
    });
    res.json({ data: page.rows.map(errorView), nextCursor: page.next ?? null });
  });

  router.get('/v1/alerts', deps.admin, async (req, res) => {
    const q = parseOrThrow(alertsQuery, req.query, 'INVALID_REQUEST', 'query');
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw new GenflowError('INVALID_REQUEST', 'query.cursor: not a cursor from this API');
    const page = await deps.alerts.list({
      limit: q.limit,
      ...(q.status ? { status: q.status } : {}),
      ...(q.rule ? { rule: q.rule } : {}),
      ...(q.subject ? { subject: q.subject } : {}),
      ...(cursor ? { cursor } : {}),
    });
    res.json({
      data: page.rows.map(alertView),
      nextCursor: page.next ? encodeCursor({ created_at: page.next.createdAt, id: page.next.id }) : null,
    });
  });

  router.post('/v1/alerts/:id/acknowledge', deps.admin, async (req, res) => {
    const { by } = parseOrThrow(ackBody, req.body ?? {});
    const id = String(req.params.id ?? '');
    const existing = z.uuid().safeParse(id).success ? await deps.alerts.find(id) : undefined;
    if (!existing) throw new GenflowError('NOT_FOUND', `no alert with id '${id}'`);
    const updated = await deps.alerts.acknowledge(id, by ?? null);
    if (!updated) {
      throw new GenflowError('CONFLICT', `alert ${id} was already acknowledged`, {
        details: { acknowledgedAt: existing.acknowledged_at ? new Date(existing.acknowledged_at).toISOString() : null },
      });
    }
    res.json(alertView(updated));
  });

  return router;
}
