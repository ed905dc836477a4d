import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { GenflowError } from '../../domain/errors';
import type { CustomProvidersRepo, StoredCustomProvider } from '../../db/custom-providers-repo';
import { apiDeclaredProvider } from '../../providers/custom/api-sync';
import { CustomProviderError } from '../../providers/custom/load';
import { baseUrlRefusal } from '../../providers/provider-config';
import type { ModelCatalogue } from '../../providers/catalogue';
import { privateProviderUrlsAllowed } from '../../providers/settings';

/** The path's provider id: the declaration's own rule (lower-case letters, digits and -). */
const idParam = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -, starting with a letter (at most 63)');

export interface CustomProviderRouteDeps {
  repo: CustomProvidersRepo;
  /** Re-reads the stored declarations into this process's catalogue (providers/custom/api-sync.ts). */
  refresh: () => Promise<void>;
  /** The process's catalogue: which ids are taken, and the models of those declared over the API. */
  catalogue: ModelCatalogue;
  admin: RequestHandler;
  env?: Record<string, string | undefined>;
}

function view(stored: StoredCustomProvider, catalogue: ModelCatalogue) {
  const { providers } = catalogue;
  const models = Object.hasOwn(providers, stored.id) && catalogue.declaredOverApi(stored.id) ? providers[stored.id]!.models.map((m) => m.id) : [];
  return {
    id: stored.id,
    declaration: stored.declaration,
    models,
    version: stored.version,
    createdAt: stored.createdAt.toISOString(),
    updatedAt: stored.updatedAt.toISOString(),
  };
}

/**
 * Admin: custom HTTP providers declared over the API, in the same declaration language as the
 * `GENFLOW_CUSTOM_PROVIDERS` file (providers/custom/declaration.ts). Every process picks a change
 * up within about two seconds (and at once when it meets an unknown model). Keys are not part of
 * a declaration: they are set like any provider's, with `PUT /v1/providers/:id/config`, sealed.
 */
export function customProviderRoutes(deps: CustomProviderRouteDeps): Router {
  const router = Router();
  const env = deps.env ?? process.env;

  function idOf(raw: unknown): string {
    const parsed = idParam.safeParse(raw);
    if (!parsed.success) throw new GenflowError('INVALID_REQUEST', `id: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { details: { field: 'id' } });
    return parsed.data;
  }

  router.get('/v1/custom-providers', deps.admin, async (_req, res) => {
    res.json({ data: (await deps.repo.list()).map((stored) => view(stored, deps.catalogue)) });
  });

  /** For reads and deletes: an id no declaration could have names nothing (404, like an unknown one). */
  function existingIdOf(raw: unknown): string {
    const parsed = idParam.safeParse(raw);
    if (!parsed.success) throw new GenflowError('NOT_FOUND', `no custom provider '${String(raw)}' set over the API (GET /v1/custom-providers lists them)`);
    return parsed.data;
  }

  router.get('/v1/custom-providers/:id', deps.admin, async (req, res) => {
    const stored = await deps.repo.get(existingIdOf(req.params.id));
    if (!stored) throw new GenflowError('NOT_FOUND', `no custom provider '${String(req.params.id)}' set over the API (GET /v1/custom-providers lists them)`);
    res.json(view(stored, deps.catalogue));
  });

  router.put('/v1/custom-providers/:id', deps.admin, async (req, res) => {
    const id = idOf(req.params.id);
    if (Object.hasOwn(deps.catalogue.providers, id) && !deps.catalogue.declaredOverApi(id)) {
      throw new GenflowError('CONFLICT', `'${id}' is a built-in provider or one declared in GENFLOW_CUSTOM_PROVIDERS; choose another id`, { details: { field: 'id' } });
    }
    const body: unknown = req.body ?? {};
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new GenflowError('INVALID_REQUEST', 'the body is a provider declaration (a JSON object)');
    const { id: given, ...declaration } = body as Record<string, unknown>;
    if (given !== undefined && given !== id) throw new GenflowError('INVALID_REQUEST', `id: the body says ${JSON.stringify(given)} but the path says '${id}'`, { details: { field: 'id' } });
    let baseUrl: string;
    try {
      // The same validation as the file's, fields named from the declaration (`models[fast].task.statusPath`).
      baseUrl = apiDeclaredProvider(id, declaration).defaultBaseUrl ?? '';
    } catch (err) {
      if (!(err instanceof CustomProviderError)) throw err;
      throw new GenflowError('INVALID_REQUEST', `invalid provider declaration: ${err.issues.join('; ')}`, { details: { issues: err.issues } });
    }
    const refusal = await baseUrlRefusal(baseUrl, { allowPrivate: privateProviderUrlsAllowed(env) });
    if (refusal) throw new GenflowError('INVALID_REQUEST', `baseUrl: ${refusal}`, { details: { field: 'baseUrl' } });
    const { provider, created } = await deps.repo.put(id, declaration);
    await deps.refresh();
    res.status(created ? 201 : 200).json(view(provider, deps.catalogue));
  });

  router.delete('/v1/custom-providers/:id', deps.admin, async (req, res) => {
    const id = existingIdOf(req.params.id);
    if (!(await deps.repo.delete(id))) throw new GenflowError('NOT_FOUND', `no custom provider '${id}' set over the API`);
    await deps.refresh();
    res.status(204).end();
  });
  return router;
}
