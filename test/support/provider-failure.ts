import { expect } from 'vitest';
import { ProviderError } from '../../domain/errors';

/** Awaits a call that must fail with a ProviderError, and returns that error for assertions. */
export async function providerFailure(promise: Promise<unknown>): Promise<ProviderError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}
