import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { isDatabaseUnavailable } from '../db/connection-errors';
import { GenflowError } from '../domain/errors';

// gRPC status codes (not a direct dependency): 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED.
const TEMPORAL_DOWN = new Set<number>([14, 4]);

function temporalDown(err: unknown): boolean {
  if (err instanceof ServiceError) return temporalDown(err.cause);
  return isGrpcServiceError(err) && TEMPORAL_DOWN.has(Number(err.code));
}

/**
 * The one place where a dependency being down becomes the API's answer: 503 UNAVAILABLE naming
 * what is down, never a 500 INTERNAL_ERROR. Returns undefined for any other error.
 */
export function asUnavailable(err: unknown): GenflowError | undefined {
  const cause = err instanceof GenflowError ? undefined : err;
  if (cause === undefined) return undefined;
  if (isDatabaseUnavailable(cause)) {
    return new GenflowError('UNAVAILABLE', 'the database is unavailable; retry shortly', { cause, retryAfterMs: 5_000 });
  }
  if (temporalDown(cause)) {
    return new GenflowError('UNAVAILABLE', 'the workflow service (Temporal) is unavailable; retry shortly', { cause, retryAfterMs: 5_000 });
  }
  return undefined;
}
