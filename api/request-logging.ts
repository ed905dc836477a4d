import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

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
  return {
    ...(requestId ? { requestId } : {}),
    ...(typeof owner === 'string' && owner ? { owner } : {}),
    ...((req as Request & { log?: Logger }).log ? { log: (req as Request & { log: Logger }).log } : {}),
  };
}

/** The request id chosen by the logging middleware (undefined outside a request). */
export function requestIdOf(res: Response): string | undefined {
  const id = res.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
}

/**
 * One log line per request (method, route, status, duration) carrying the request id, which is
 * honoured from `X-Request-Id` or generated and always returned in the response header, plus the
 * generation and workflow ids when the route tagged them. Health and metrics probes log at debug:
 * a scrape every few seconds would drown everything else.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // req.log (handed to routes and services) binds only the request id, under `requestId`.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customProps(_req, res) {
      const generation = (res as ServerResponse & { locals?: { generation?: GenerationLogContext } }).locals?.generation;
      return generation ? { ...generation } : {};
    },
    customLogLevel(req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      if (req.url === '/metrics' || req.url?.startsWith('/health')) return 'debug';
      return 'info';
    },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: loggableUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
