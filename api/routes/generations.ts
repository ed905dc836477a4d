import { Router, type Request, type Response } from 'express';
import type { Principal } from '../../domain/accounts';
import { z } from 'zod';
import { GenflowError } from '../../domain/errors';
import { createGenerationBody } from '../../domain/generation';
import { MODEL_KINDS } from '../../domain/models';
import { decodeCursor } from '../../db/generation-search';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { ExperimentService } from '../experiment-service';
import { canSee, ownerScope, principalOf } from '../auth';
import type { GenerationService } from '../generation-service';
import { idempotencyKeyOf } from '../idempotency-key';
import { pageLimit } from '../pagination';
import { callerContext, tagGeneration } from '../request-logging';
import { parseOrThrow, storableDateTime } from '../validate';
import { generationView } from '../../views/generation-views';
import { streamEvents } from './generation-events';
import type { SubmitChecks } from '../submit-checks';
import type { StudioAttach } from '../studio-attach';
import type { CreateGenerationBody } from '../../domain/generation';

export const listQuery = z
  .object({
    q: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']).optional(),
    model: z.string().max(200).optional(),
    provider: z.string().max(100).optional(),
    kind: z.enum(MODEL_KINDS).optional(),
    experimentId: z.string().max(100).optional().describe("Only the generations an experiment allocated (the console's compare view)"),
    from: storableDateTime().optional(),
    to: storableDateTime().optional(),
    cursor: z.string().max(200).optional(),
    // An admin may narrow the list to one owner; a user key sees only its own (another owner: 403).
    owner: z.string().min(1).max(200).optional(),
    limit: pageLimit(100, 20),
  })
  .catchall(z.string().max(256));
const idParam = z.uuid();
/** `?dryRun=true`: validate and estimate, write and start nothing. Other query fields are ignored, as before. */
export const submitQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() });

export interface GenerationRoutesDeps {
  repo: GenerationsRepo;
  service: GenerationService;
  baseUrl(req: Request): string;
  /** Allocates requests that name an `experimentId`; absent, such requests are rejected. */
  experiments?: ExperimentService;
  /** Validates and prices a request without writing it (the dry run). */
  checks: SubmitChecks;
  /** Checks a `frameId`/`shotId` and applies the project's defaults; absent, such requests are refused. */
  studio?: StudioAttach;
}

export function generationRoutes(deps: GenerationRoutesDeps): Router {
  const router = Router();

  /** A request attached to a studio frame or shot, checked and with its project's defaults applied. */
  async function inStudio(body: CreateGenerationBody, res: Response): Promise<CreateGenerationBody> {
    if (body.frameId === undefined && body.shotId === undefined) return body;
    if (!deps.studio) throw new GenflowError('UNSUPPORTED_CAPABILITY', 'frameId/shotId: the studio is not enabled on this server');
    return deps.studio.resolve(body, principalOf(res));
  }

  router.post('/v1/generations', async (req, res) => {
    const key = idempotencyKeyOf(req);
    const raw: unknown = req.body ?? undefined;
    if (parseOrThrow(submitQuery, req.query, 'INVALID_REQUEST', 'query').dryRun === 'true') {
      // Validated exactly as a submit would be, then priced: no row, no budget, no workflow.
      const allocated = deps.experiments && typeof raw === 'object' && raw !== null && 'experimentId' in raw ? await deps.experiments.allocate(raw, key) : undefined;
      res.status(200).json(await deps.checks.generation(allocated?.body ?? (await inStudio(parseOrThrow(createGenerationBody, raw), res))));
      return;
    }
    if (deps.experiments && typeof raw === 'object' && raw !== null && 'experimentId' in raw) {
      const { body, assignment } = await deps.experiments.allocate(raw, key);
      const { row, created } = await deps.service.create(body, key, assignment, principalOf(res), callerContext(req, res));
      tagGeneration(res, { generationId: row.id, workflowId: row.workflow_id });
      const assets = created ? [] : await deps.repo.listAssets(row.id);
      res.status(created ? 202 : 200).json(generationView(row, assets, deps.baseUrl(req)));
      return;
    }
    const body = await inStudio(parseOrThrow(createGenerationBody, raw), res);
    const { row, created } = await deps.service.create(body, key, undefined, principalOf(res), callerContext(req, res));
    tagGeneration(res, { generationId: row.id, workflowId: row.workflow_id });
    const assets = created ? [] : await deps.repo.listAssets(row.id);
    res.status(created ? 202 : 200).json(generationView(row, assets, deps.baseUrl(req)));
  });

  router.get('/v1/generations', async (req, res) => {
    const { q, status, model, provider, kind, experimentId, from, to, cursor, limit, owner: ownerFilter, ...rest } = parseOrThrow(listQuery, req.query, 'INVALID_REQUEST', 'query');
    // No prototype: `metadata.__proto__=x` must become a filter, not a prototype assignment.
    const metadata = Object.create(null) as Record<string, string>;
    for (const [key, value] of Object.entries(rest)) {
      if (!key.startsWith('metadata.')) throw new GenflowError('INVALID_REQUEST', `query.${key}: unknown filter`);
      metadata[key.slice('metadata.'.length)] = value;
    }
    const position = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !position) throw new GenflowError('INVALID_REQUEST', 'query.cursor: not a cursor from this API');
    // As on /v1/usage: a user key naming another owner is refused, never silently ignored.
    const scope = ownerScope(principalOf(res));
    if (scope !== undefined && ownerFilter !== undefined && ownerFilter !== scope) {
      throw new GenflowError('FORBIDDEN', 'query.owner: only an admin key may list the generations of another owner');
    }
    const owner = scope ?? ownerFilter;
    const page = await deps.repo.search({
      limit,
      metadata,
      ...(owner !== undefined ? { owner } : {}),
      ...(q ? { q } : {}),
      ...(status ? { status } : {}),
      ...(model ? { model } : {}),
      ...(provider ? { provider } : {}),
      ...(kind ? { kind } : {}),
      ...(experimentId ? { experimentId } : {}),
      ...(from ? { from: new Date(from) } : {}),
      ...(to ? { to: new Date(to) } : {}),
      ...(position ? { cursor: position } : {}),
    });
    const assets = await deps.repo.listAssetsFor(page.rows.map((r) => r.id));
    res.json({
      data: page.rows.map((row) => generationView(row, assets.get(row.id) ?? [], deps.baseUrl(req))),
      nextCursor: page.next ?? null,
    });
  });

  /** Someone else's generation answers 404, exactly like one that does not exist. */
  async function findOr404(rawId: string, caller: Principal, res?: Response) {
    const id = idParam.safeParse(rawId);
    const row = id.success ? await deps.repo.findById(id.data) : undefined;
    if (!row || !canSee(caller, row.owner)) throw new GenflowError('NOT_FOUND', `no generation with id '${rawId}'`);
    if (res) tagGeneration(res, { generationId: row.id, workflowId: row.workflow_id });
    return row;
  }

  router.get('/v1/generations/:id', async (req, res) => {
    const row = await findOr404(req.params.id, principalOf(res), res);
    res.json(generationView(row, await deps.repo.listAssets(row.id), deps.baseUrl(req)));
  });

  router.post('/v1/generations/:id/cancel', async (req, res) => {
    const row = await deps.service.cancel(await findOr404(req.params.id, principalOf(res), res));
    res.status(202).json(generationView(row, await deps.repo.listAssets(row.id), deps.baseUrl(req)));
  });

  router.get('/v1/generations/:id/events', async (req, res) => {
    const row = await findOr404(req.params.id, principalOf(res), res);
    streamEvents(req, res, row, deps);
  });

  return router;
}
