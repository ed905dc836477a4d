import type { z } from 'zod';
import { ProviderError } from '../domain/errors';
import type { ModelSpec } from './types';

/**
 * Lets a model table entry be written with its own parameter type (so `price` reads typed
 * parameters) and then stored in the shared table. Sound because the API parses parameters
 * with `spec.parameters` before anything, `price` included, sees them. `X` carries a
 * provider's own per-model data (an endpoint, a wire name).
 */
export function defineModel<P extends z.ZodType<Record<string, unknown>>, X extends object = object>(
  spec: ModelSpec<P> & X,
): ModelSpec & X {
  return spec;
}

/** Parses again what the API already validated: cheap, and it types the values for the adapter. */
export function parseModelParameters<S extends z.ZodType>(schema: S, model: string, parameters: unknown): z.infer<S> {
  const parsed = schema.safeParse(parameters);
  if (!parsed.success) {
    throw new ProviderError('INVALID_PARAMETERS', `invalid parameters for ${model}: ${parsed.error.message}`, {
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}

/** Providers that render one image per request refuse more, instead of silently giving fewer. */
export function requireOutputCount(model: string, requested: number, max: number): void {
  if (requested > max) {
    throw new ProviderError('INVALID_PARAMETERS', `numberOfOutputs: ${model} gives at most ${max} output(s) per request`);
  }
}

/**
 * The model `id` in a provider's table, or UNSUPPORTED_CAPABILITY naming the provider: the one
 * model lookup every adapter uses (the API checks the model before a workflow starts, so this
 * fails only for a table that changed under a running generation).
 */
export function modelIn<M extends { id: string }>(providerId: string, models: readonly M[], id: string): M {
  const model = models.find((m) => m.id === id);
  if (!model) throw new ProviderError('UNSUPPORTED_CAPABILITY', `${providerId}: no model ${JSON.stringify(id)}`);
  return model;
}
