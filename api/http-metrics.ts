import { Router, type RequestHandler } from 'express';
import { GenflowError } from '../domain/errors';
import type { GenflowMetrics } from '../runtime/metrics';
import { metricsAuthorized } from '../runtime/metrics-server';

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

/**
 * `GET /metrics` in the Prometheus text format (genflow's series, then the Temporal SDK's).
 * Open to scrapers unless a token is set (GENFLOW_METRICS_TOKEN); then it takes that token as
 * a bearer, not an API key, so a scraper's credential opens nothing else.
 */
export function metricsRoutes(metrics: GenflowMetrics, token?: string): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!metricsAuthorized(req.get('authorization'), token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new GenflowError('AUTHENTICATION_FAILED', '/metrics needs the metrics token (Authorization: Bearer <GENFLOW_METRICS_TOKEN>)');
    }
    const { contentType, body } = await metrics.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  });
  return router;
}
