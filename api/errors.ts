import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { GenflowError } from '../domain/errors';
import { openAiErrorBody } from './openai-images';
import { asUnavailable } from './unavailable';

/** What body-parser, raw-body, http-errors and the router attach to the errors they raise. */
interface HttpLayerError {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
  limit?: unknown;
  code?: unknown;
}

const BODY_ERRORS: Record<string, string> = {
  'entity.parse.failed': 'request body is not valid JSON',
  'encoding.unsupported': 'unsupported request body encoding',
  'charset.unsupported': 'unsupported request body charset (JSON bodies are UTF-8)',
  'request.aborted': 'the request body ended before its declared Content-Length',
  'request.size.invalid': 'the request body does not match its declared Content-Length',
};

/**
 * The client errors of the HTTP layer, as GenflowErrors: a body that is too large, not JSON, in
 * an unknown charset or encoding, compressed in name only (zlib's errors, wrapped by body-parser
 * as 400), cut short, and a path whose percent-encoding is not UTF-8 (the router's URIError).
 * Only errors the layer marks as the client's (`expose`, a 4xx) qualify, so an upstream error
 * that happens to carry a `status` is never mistaken for the client's fault.
 */
function fromHttpLayer(err: unknown): GenflowError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  if (err instanceof URIError) {
    return new GenflowError('INVALID_REQUEST', 'the request path is not valid percent-encoded UTF-8');
  }
  const e = err as HttpLayerError;
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (e.type === 'entity.too.large' || (status === 413 && e.expose === true)) {
    const limit = typeof e.limit === 'number' ? e.limit : undefined;
    return new GenflowError('PAYLOAD_TOO_LARGE', `request body is larger than the limit of ${limit ?? '?'} bytes`, { details: { limitBytes: limit } });
  }
  if (typeof e.type === 'string' && Object.hasOwn(BODY_ERRORS, e.type)) return new GenflowError('INVALID_REQUEST', BODY_ERRORS[e.type]!);
  if (status === undefined || status < 400 || status >= 500 || e.expose !== true) return undefined;
  // zlib's codes (Z_DATA_ERROR, ERR_BROTLI_…, ERR__ERROR_FORMAT_PADDING_1 …) on an inflated body.
  const encoding = typeof e.code === 'string' && /^(Z_|ERR_BROTLI|ERR__ERROR)/.test(e.code);
  return new GenflowError('INVALID_REQUEST', encoding ? 'request body is not encoded as its Content-Encoding says' : 'malformed request');
}

/** The GenflowError an error stands for, when it is one genflow understands. */
export function knownError(err: unknown): GenflowError | undefined {
  return err instanceof GenflowError ? err : fromHttpLayer(err);
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

/**
 * Node's answer to a request it cannot parse (a body cut short of its Content-Length, a broken
 * request line, headers too large) is a bare `400` with no body; this one carries the error body,
 * in OpenAI's shape on the OpenAI-compatible routes. Nothing is written once an answer has begun.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  const pending = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  const message =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'request headers are too large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'the request was not received in time'
        : err.code === 'HPE_INVALID_EOF_STATE'
          ? 'the request ended before its declared Content-Length'
          : 'malformed HTTP request';
  const error = new GenflowError('INVALID_REQUEST', message);
  const openAi = pending?.req?.url?.startsWith('/v1/images/') ?? false;
  const body = JSON.stringify(openAi ? openAiErrorBody(error) : { error: error.toBody() });
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
