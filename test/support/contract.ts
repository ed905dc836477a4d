import { expect } from 'vitest';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import type { ModelSpec } from '../../providers/types';

/**
 * Contract tests call adapters with requests as the API would hand them over: the model's
 * first kind, its parameter defaults applied, and whatever the test overrides.
 */
export function requestFor(models: readonly ModelSpec[], prompt: string) {
  return (model: string, overrides: Partial<GenerationRequest> = {}): GenerationRequest => {
    const spec = models.find((m) => m.id === model);
    if (!spec) throw new Error(`no model '${model}' in the table`);
    const parameters = spec.parameters.parse(overrides.parameters ?? {});
    return { model, kind: spec.kinds[0]!, prompt, inputImages: [], numberOfOutputs: 1, ...overrides, parameters };
  };
}

/** The ProviderError a call rejects with (fails the test when it resolves or throws anything else). */
export async function caught(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}
