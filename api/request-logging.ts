import { createHash, randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** A caller's X-Request-Id is kept when it is a plain token; anything else gets a fresh id. */
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Secrets that travel in query strings: provider callback tokens (`/v1/webhooks/:p?…&token=…`). */
const SECRET_PARAM = /([?&]token=)([^&#]*)/gi;

/**
 * The URL as logged: a secret query value becomes `sha256:` and the first 12 hex digits of its
 * hash, enough to tell deliveries of one token from another's, useless to replay one.
 */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_PARAM, (_all, name: string, value: string) => `${name}sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`);
}

/** What a route learnt about the generation a request concerns; it joins the request's log line. */
export interface GenerationLogContext {
  generationId: string;
  workflowId: string;
}

export function tagGeneration(res: Response, ctx: GenerationLogContext): void {
  (res.locals as { generation?: GenerationLogContext }).generation = ctx;
}

/** Who asked and under which request id: threaded into the workflow for logs and search attributes. */
export interface CallerContext {
  requestId?: string;
  /** Set by authentication (`res.locals.owner`) when the caller is known; absent otherwise. */
  owner?: string;
  log?: Logger;
}

export function callerContext(req: Request, res: Response): CallerContext {
  const requestId = requestIdOf(res);
  const owner = (res.locals as { owner?: unknown }).owner;
  const log = (req as Request & { log?: Logger }).log;
  return {
    ...(requestId ? { requestId } : {}),
    ...(typeof owner === 'string' && owner ? { owner } : {}),
    ...(log ? { log } : {}),
  };
}

/** The request id chosen by the logging middleware (undefined outside a request). */
export function requestIdOf(res: Response): string | undefined {
  const id = res.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
}

/**
 * One log line per request (method, URL, status, duration) carrying the request id, which is
 * honoured from `X-Request-Id` or generated and always returned in the response header, plus the
 * generation and workflow ids when the route tagged them. Health and metrics probes log at debug:
 * a scrape every few seconds would drown everything else. `req.log` (handed to routes and
 * services) binds the request id under `requestId`; it is made on first use, so a request whose
 * route logs nothing costs no child logger (the submit path is measured per request: bench/).
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    let log: Logger | undefined;
    Object.defineProperty(req, 'log', { get: () => (log ??= logger.child({ requestId })), configurable: true, enumerable: false });
    const startedAt = performance.now();
    // 'close' follows every response, finished or not: one listener tells both apart.
    res.once('close', () => {
      const url = req.originalUrl;
      const level = res.statusCode >= 500 ? 'error' : url === '/metrics' || url.startsWith('/health') ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const generation = (res.locals as { generation?: GenerationLogContext }).generation;
      logger[level](
        {
          requestId,
          req: { method: req.method, url: loggableUrl(url) },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - startedAt),
          ...generation,
        },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
