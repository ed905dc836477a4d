import { createServer, type Server } from 'node:http';
import type { GenflowMetrics } from './metrics';

/**
 * GET /metrics on a port of its own, for a process without the API (a worker). Anything else
 * is 404; there is nothing else to serve.
 */
export function serveMetrics(metrics: GenflowMetrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
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
