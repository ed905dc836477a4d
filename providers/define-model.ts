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
