import { Router } from 'express';
import { z } from 'zod';
import { GenflowError } from '../../domain/errors';
import { describePrice } from '../../providers/pricing';
import type { ModelCatalogue, ModelEntry } from '../../providers/catalogue';
import type { Availability, ProviderAvailability } from '../provider-availability';

/** A model as `/v1/models` shows it, without its availability (which changes at run time). */
function describeModel({ provider, model }: ModelEntry) {
  return {
    id: model.id,
    provider: provider.id,
    description: model.description,
    kinds: model.kinds,
    async: model.async,
    inputImages: model.inputImages,
    expectedDurationSeconds: model.expectedDurationSeconds,
    maxDurationSeconds: model.maxDurationSeconds,
    ...(model.video ? { video: model.video } : {}),
    // null: a custom provider's model declared without pricePerOutput; its cost is not known.
    price: model.price ? describePrice(model.price) : null,
    parameters: z.toJSONSchema(model.parameters, { io: 'input', unrepresentable: 'any' }),
  };
}

function withAvailability(described: ReturnType<typeof describeModel>, state: Availability | undefined, defaults?: Record<string, unknown>) {
  return {
    ...described,
    available: state?.available ?? true,
    ...(state && !state.available ? { unavailable: { code: state.code, reason: state.reason } } : {}),
    // What a submit without these parameters gets, as an admin set it (PUT /v1/providers/:id/config).
    ...(defaults ? { configuredDefaults: defaults } : {}),
  };
}

export function modelRoutes(deps: { catalogue: ModelCatalogue; availability?: ProviderAvailability }): Router {
  const router = Router();
  // JSON Schemas are costly to build: described once per version of the catalogue (it changes
  // only when custom providers are declared over the API).
  let cached: { version: number; models: Map<string, ReturnType<typeof describeModel>> } | undefined;
  const described = () => {
    const version = deps.catalogue.version();
    if (cached?.version !== version) cached = { version, models: new Map(deps.catalogue.listModels().map((e) => [e.model.id, describeModel(e)])) };
    return cached.models;
  };

  router.get('/v1/models', async (_req, res) => {
    const states = await deps.availability?.allModels();
    const defaultsOf = await deps.availability?.modelDefaults();
    res.json({ data: [...described().values()].map((m) => withAvailability(m, states?.get(m.id), defaultsOf?.(m.id))) });
  });

  // Model ids hold slashes (`replicate/black-forest-labs/flux-schnell`), given as they are or as %2F.
  router.get('/v1/models/*id', async (req, res) => {
    const raw = (req.params as { id: string | string[] }).id;
    const id = Array.isArray(raw) ? raw.join('/') : raw;
    const entry = deps.catalogue.findModel(id);
    if (!entry) throw new GenflowError('NOT_FOUND', `no model with id '${id}' (GET /v1/models lists them)`);
    const state = await deps.availability?.ofModel(entry.provider, entry.model.id);
    const defaultsOf = await deps.availability?.modelDefaults();
    res.json(withAvailability(described().get(entry.model.id) ?? describeModel(entry), state, defaultsOf?.(entry.model.id)));
  });
  return router;
}
