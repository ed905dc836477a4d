import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { isErrorCode, type ErrorBody } from '../domain/errors';

/** Reads the taxonomy code and message out of whatever an activity call threw. */
export function toErrorBody(err: unknown): ErrorBody {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) {
    const details: unknown = cause.details?.[0];
    return details === undefined
      ? { code: cause.type, message: cause.message }
      : { code: cause.type, message: cause.message, details };
  }
  if (cause instanceof TimeoutFailure) {
    return { code: 'PROVIDER_TIMEOUT', message: 'the provider call did not finish in time' };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { code: 'INTERNAL_ERROR', message };
}
