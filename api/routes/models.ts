import { Router } from 'express';
import { z } from 'zod';
import { listModels } from '../../providers/registry';

/** JSON Schema of each model's parameters, computed once: the table does not change at run time. */
function describeModels() {
  return listModels().map(({ provider, model }) => ({
    id: model.id,
    provider: provider.id,
    description: model.description,
    kinds: model.kinds,
    async: model.async,
    inputImages: model.inputImages,
    expectedDurationSeconds: model.expectedDurationSeconds,
    maxDurationSeconds: model.maxDurationSeconds,
    ...(model.video ? { video: model.video } : {}),
    parameters: z.toJSONSchema(model.parameters, { io: 'input', unrepresentable: 'any' }),
  }));
}

export function modelRoutes(): Router {
  const router = Router();
  let cached: ReturnType<typeof describeModels> | undefined;
  router.get('/v1/models', (_req, res) => {
    cached ??= describeModels();
    res.json({ data: cached });
  });
  return router;
}
