import { z } from 'zod';
import type { RouteDoc } from '../openapi/registry';
import { healthSchema, modelListSchema, providerListSchema } from '../openapi/view-schemas';

/** Health, models, providers, assets. */
export const catalogDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    tag: 'Operations',
    access: 'public',
    summary: 'Liveness: the process serves HTTP (touches no dependency; readiness is /health/ready)',
    responses: { 200: { description: 'Alive', schema: healthSchema } },
  },
  {
    method: 'get',
    path: '/v1/models',
    tag: 'Models',
    access: 'key',
    summary: 'List the models, with the JSON Schema of each one\'s parameters',
    responses: { 200: { description: 'Models', schema: modelListSchema } },
  },
  {
    method: 'get',
    path: '/v1/providers',
    tag: 'Models',
    access: 'admin',
    summary: 'List the providers, their configuration and the state of their API keys (masked)',
    responses: { 200: { description: 'Providers', schema: providerListSchema } },
  },
  {
    method: 'get',
    path: '/v1/assets/:id/content',
    tag: 'Generations',
    access: 'public',
    summary: 'The bytes of a stored output',
    description: 'Served from local storage, or a redirect to a short-lived presigned URL with S3 storage.',
    params: z.object({ id: z.uuid() }),
    responses: {
      200: { description: 'The bytes, with the content type of the output (image/png, video/mp4, audio/wav, ...)', contentType: '*/*' },
      302: { description: 'S3 storage: a presigned URL', headers: { Location: 'The presigned URL' } },
    },
    errors: ['NOT_FOUND', 'STORAGE_FAILED'],
  },
];
