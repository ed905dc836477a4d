import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { isDatabaseUnavailable } from '../db/connection-errors';
import { GenflowError } from '../domain/errors';

/**
 * Turns any error thrown in an activity into an ApplicationFailure whose `type` is a taxonomy
 * code, so Temporal's retry policy and the workflow both act on the code, not on a message.
 */
export function toApplicationFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof GenflowError && err.code === 'CANCELED' && workerShuttingDown()) {
    // The call was aborted because this worker is stopping (a deploy), not because anyone
    // canceled the generation: retried on another worker, never recorded as canceled.
    return ApplicationFailure.create({ type: 'PROVIDER_UNAVAILABLE', message: `the worker shut down during the call: ${err.message}`, nonRetryable: false });
  }
  if (err instanceof GenflowError) {
    return ApplicationFailure.create({
      type: err.code,
      message: err.message,
      nonRetryable: !err.retryable,
      details: err.details === undefined ? [] : [err.details],
      ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
      cause: err.cause instanceof Error ? err.cause : undefined,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (isDatabaseUnavailable(err)) {
    // Our own database being down is an outage to wait out, not a bug: retried, never INTERNAL_ERROR.
    return ApplicationFailure.create({ type: 'UNAVAILABLE', message: `the database is unavailable: ${message}`, nonRetryable: false });
  }
  return ApplicationFailure.create({
    type: 'INTERNAL_ERROR',
    message,
    nonRetryable: false,
    cause: err instanceof Error ? err : undefined,
  });
}

/** Whether the running activity was cancelled by its worker shutting down (false outside an activity). */
function workerShuttingDown(): boolean {
  try {
    return Context.current().cancellationDetails?.workerShutdown === true;
  } catch {
    return false;
  }
}

/** Runs an activity body, converting whatever it throws. */
export async function withFailureMapping<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toApplicationFailure(err);
  }
}
