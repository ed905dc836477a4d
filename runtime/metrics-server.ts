import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { GenflowMetrics } from './metrics';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether an Authorization header carries the metrics token (GENFLOW_METRICS_TOKEN). Both sides
 * are hashed first, so the comparison takes the same time whatever the presented length.
 */
export function metricsAuthorized(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const presented = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? '';
  return timingSafeEqual(digest(presented), digest(token));
}

/** The 401 answer of a scrape without the token, in the API's error format. */
export const METRICS_UNAUTHORIZED = {
  error: { code: 'AUTHENTICATION_FAILED', message: '/metrics needs the metrics token (Authorization: Bearer <GENFLOW_METRICS_TOKEN>)' },
};

/**
 * GET /metrics on a port of its own, for a process without the API (a worker). Anything else
 * is 404; there is nothing else to serve.
 */
export function serveMetrics(metrics: GenflowMetrics, port: number, host: string, token?: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (!metricsAuthorized(req.headers.authorization, token)) {
      res.writeHead(401, { 'Content-Type': 'application/json; charset=utf-8', 'WWW-Authenticate': 'Bearer realm="metrics"' }).end(JSON.stringify(METRICS_UNAUTHORIZED));
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(err instanceof Error ? err.message : String(err)),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
