import { Router, type Request } from 'express';
import { z } from 'zod';
import { attachBody, createNodeBody, createProjectBody, patchNodeBody, patchProjectBody, type StudioLevel } from '../../domain/studio';
import { principalOf } from '../auth';
import { pageLimit } from '../pagination';
import type { StudioService } from '../studio-service';
import { parseOrThrow } from '../validate';

export const projectListQuery = z.strictObject({ cursor: z.string().max(200).optional(), limit: pageLimit(100, 20) });
export const nodeListQuery = z.strictObject({ cursor: z.string().max(200).optional(), limit: pageLimit(200, 50) });
export const generationListQuery = z.strictObject({ cursor: z.string().max(200).optional(), limit: pageLimit(100, 20) });
/** `GET /v1/shots/:id` and `/v1/frames/:id`: how many of the newest generations to include. */
export const detailQuery = z.strictObject({ limit: pageLimit(100, 20) });

/** Path segments of each level: where its children are created and listed, and where it lives. */
export const STUDIO_PATHS: Record<StudioLevel, { parent: string; self: string }> = {
  episode: { parent: 'projects', self: 'episodes' },
  shot: { parent: 'episodes', self: 'shots' },
  frame: { parent: 'shots', self: 'frames' },
};

const param = (req: Request, name: string): string => String(req.params[name]);

/**
 * The studio: `/v1/projects`, their episodes, the episodes' shots and the shots' frames, and the
 * generations attached to shots and frames. Children are created and listed under their parent;
 * every resource is read, changed and deleted by its own id.
 */
export function studioRoutes(deps: { service: StudioService; baseUrl(req: Request): string }): Router {
  const router = Router();
  const { service } = deps;

  router.post('/v1/projects', async (req, res) => {
    res.status(201).json(await service.createProject(parseOrThrow(createProjectBody, req.body ?? undefined), principalOf(res)));
  });
  router.get('/v1/projects', async (req, res) => {
    const { cursor, limit } = parseOrThrow(projectListQuery, req.query, 'INVALID_REQUEST', 'query');
    res.json(await service.listProjects(principalOf(res), cursor, limit));
  });
  router.get('/v1/projects/:id', async (req, res) => {
    res.json(await service.getProject(param(req, 'id'), principalOf(res)));
  });
  router.patch('/v1/projects/:id', async (req, res) => {
    res.json(await service.patchProject(param(req, 'id'), parseOrThrow(patchProjectBody, req.body ?? undefined), principalOf(res)));
  });
  router.delete('/v1/projects/:id', async (req, res) => {
    await service.deleteProject(param(req, 'id'), principalOf(res));
    res.status(204).end();
  });

  for (const level of ['episode', 'shot', 'frame'] as const) {
    const { parent, self } = STUDIO_PATHS[level];
    router.post(`/v1/${parent}/:id/${self}`, async (req, res) => {
      res.status(201).json(await service.createNode(level, param(req, 'id'), parseOrThrow(createNodeBody, req.body ?? undefined), principalOf(res)));
    });
    router.get(`/v1/${parent}/:id/${self}`, async (req, res) => {
      const { cursor, limit } = parseOrThrow(nodeListQuery, req.query, 'INVALID_REQUEST', 'query');
      res.json(await service.listNodes(level, param(req, 'id'), principalOf(res), cursor, limit));
    });
    router.get(`/v1/${self}/:id`, async (req, res) => {
      if (level === 'episode') {
        res.json(await service.getNode('episode', param(req, 'id'), principalOf(res)));
        return;
      }
      const { limit } = parseOrThrow(detailQuery, req.query, 'INVALID_REQUEST', 'query');
      const id = param(req, 'id');
      res.json(level === 'shot' ? await service.getShot(id, principalOf(res), deps.baseUrl(req), limit) : await service.getFrame(id, principalOf(res), deps.baseUrl(req), limit));
    });
    router.patch(`/v1/${self}/:id`, async (req, res) => {
      res.json(await service.patchNode(level, param(req, 'id'), parseOrThrow(patchNodeBody, req.body ?? undefined), principalOf(res)));
    });
    router.delete(`/v1/${self}/:id`, async (req, res) => {
      await service.deleteNode(level, param(req, 'id'), principalOf(res));
      res.status(204).end();
    });
  }

  for (const level of ['shot', 'frame'] as const) {
    const { self } = STUDIO_PATHS[level];
    router.get(`/v1/${self}/:id/generations`, async (req, res) => {
      const { cursor, limit } = parseOrThrow(generationListQuery, req.query, 'INVALID_REQUEST', 'query');
      res.json(await service.listGenerations(level, param(req, 'id'), principalOf(res), deps.baseUrl(req), cursor, limit));
    });
    router.post(`/v1/${self}/:id/generations`, async (req, res) => {
      const { generationId } = parseOrThrow(attachBody, req.body ?? undefined);
      res.json(await service.attach(level, param(req, 'id'), generationId, principalOf(res), deps.baseUrl(req)));
    });
    router.delete(`/v1/${self}/:id/generations/:generationId`, async (req, res) => {
      await service.detach(level, param(req, 'id'), param(req, 'generationId'), principalOf(res));
      res.status(204).end();
    });
  }
  return router;
}
