import { z } from 'zod';
import type { RouteDoc } from '../openapi/registry';

export const openApiDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'Documentation',
    access: 'public',
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'The document', schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) } },
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'Documentation',
    access: 'public',
    summary: 'The API reference as one self-contained HTML page (works offline)',
    responses: { 200: { description: 'The page', contentType: 'text/html' } },
  },
];
