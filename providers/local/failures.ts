import { ProviderError } from '../../domain/errors';
import type { InjectableFailure } from './models';

export interface FailureInjection {
  failWith?: InjectableFailure;
  failTimes?: number;
}

/**
 * Throws the requested failure while `attempt <= failTimes`. The attempt is Temporal's
 * activity attempt, so "fail twice, then succeed" holds across retries and worker restarts.
 */
export function injectFailure(params: FailureInjection, attempt: number): void {
  const { failWith, failTimes } = params;
  if (failWith === undefined) return;
  if (failTimes !== undefined && attempt > failTimes) return;
  throw new ProviderError(failWith, `local provider: injected failure (attempt ${attempt})`, {
    details: { injected: true, attempt },
    ...(failWith === 'RATE_LIMITED' ? { retryAfterMs: 1_000 } : {}),
  });
}
