import { Router, type RequestHandler } from 'express';
import type { GenflowMetrics } from '../runtime/metrics';

/**
 * Counts and times every request by its route template (`/v1/generations/:id`, never the raw
 * path, which would make one series per id). Requests no route matched share `unmatched`.
 */
export function httpMetrics(metrics: GenflowMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
      metrics.httpRequest(req.method, route, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };
}

/** `GET /metrics` in the Prometheus text format (genflow's series, then the Temporal SDK's). */
export function metricsRoutes(metrics: GenflowMetrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metrics.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  });
  return router;
}
