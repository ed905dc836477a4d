import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { GenflowError } from '../domain/errors';
import { asUnavailable } from './unavailable';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

function fromBodyParser(err: unknown): GenflowError | undefined {
  const e = err as BodyParserError;
  if (typeof e?.type !== 'string') return undefined;
  if (e.type === 'entity.too.large') {
    return new GenflowError('PAYLOAD_TOO_LARGE', `request body is larger than the limit of ${e.limit ?? '?'} bytes`, {
      details: { limitBytes: e.limit },
    });
  }
  if (e.type === 'entity.parse.failed') return new GenflowError('INVALID_REQUEST', 'request body is not valid JSON');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new GenflowError('INVALID_REQUEST', 'unsupported request body encoding');
  }
  return undefined;
}

/** The GenflowError an error stands for, when it is one genflow understands. */
export function knownError(err: unknown): GenflowError | undefined {
  return err instanceof GenflowError ? err : fromBodyParser(err);
}

export function notFoundHandler(): RequestHandler {
  return (req) => {
    throw new GenflowError('NOT_FOUND', `no route for ${req.method} ${req.path}`);
  };
}

/** Every error leaves the API as `{ error: { code, message, details? } }` with the code's status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = knownError(err) ?? asUnavailable(err);
    const error = known ?? new GenflowError('INTERNAL_ERROR', 'internal error');
    if (!known || error.status >= 500) {
      // The request's own logger, when there is one, adds the request id to the line.
      ((req as { log?: Logger }).log ?? logger).error({ err, method: req.method, path: req.path }, 'request failed');
    }
    if (error.retryAfterMs !== undefined) res.setHeader('Retry-After', Math.ceil(error.retryAfterMs / 1000));
    res.status(error.status).json({ error: error.toBody() });
  };
}
