import type { RouteDoc } from '../openapi/registry';
import { readinessSchema } from '../openapi/view-schemas';

/** The readiness probe and the Prometheus metrics (the liveness probe /health is in catalog.doc.ts). */
export const operationsDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/health/ready',
    tag: 'Operations',
    access: 'public',
    summary: 'Readiness: the database, Temporal and storage answer',
    description:
      'Public; with an admin key the answer also has each component and the providers (advisory: they never make the instance unready). ' +
      'Not ready answers 503 UNAVAILABLE naming the failing components in `details.failing`.',
    responses: { 200: { description: 'Ready', schema: readinessSchema, headers: { 'Cache-Control': 'no-store' } } },
    errors: ['UNAVAILABLE'],
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    access: 'public',
    summary: 'Prometheus metrics (genflow\'s series, then the Temporal SDK\'s)',
    description: 'Served only when metrics are enabled. Open unless `GENFLOW_METRICS_TOKEN` is set; then it needs `Authorization: Bearer <that token>` (not an API key).',
    responses: { 200: { description: 'The Prometheus text exposition format', contentType: 'text/plain' } },
    errors: ['AUTHENTICATION_FAILED'],
  },
];
