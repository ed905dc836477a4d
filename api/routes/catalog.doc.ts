import { z } from 'zod';
import type { RouteDoc } from '../openapi/registry';
import { healthSchema, modelListSchema, modelSchema, providerListSchema } from '../openapi/view-schemas';
import { thumbnailQuery } from './thumbnails';

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
    summary: 'List the models, with the JSON Schema of each one\'s parameters, its price rule and whether it is available',
    description:
      'Each model carries `price` (unit, USD per unit, tiers by parameter, notes; `unit: free` says why it costs nothing) and ' +
      '`available`: false when its provider has no API key configured (a submit answers 503 PROVIDER_UNAVAILABLE) or is disabled.',
    responses: { 200: { description: 'Models', schema: modelListSchema } },
  },
  {
    method: 'get',
    path: '/v1/models/*id',
    tag: 'Models',
    access: 'key',
    summary: 'One model, as in the list',
    description: 'The id keeps its slashes (`/v1/models/replicate/black-forest-labs/flux-schnell`); `%2F` works too.',
    params: z.object({ id: z.string().min(1).max(200).describe('A model id, e.g. kie/4o-image') }),
    responses: { 200: { description: 'The model', schema: modelSchema } },
    errors: ['NOT_FOUND'],
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
  {
    method: 'get',
    path: '/v1/assets/:id/thumbnail',
    tag: 'Generations',
    access: 'public',
    summary: 'A small WebP of an image output (first frame of an animation), made once and cached in storage',
    description: 'For galleries: `size` is the longest side (128, 256 or 512; never enlarged). Video and audio outputs have no thumbnail (422 UNSUPPORTED_CAPABILITY).',
    params: z.object({ id: z.uuid() }),
    query: thumbnailQuery,
    responses: { 200: { description: 'The thumbnail', contentType: 'image/webp' } },
    errors: ['NOT_FOUND', 'UNSUPPORTED_CAPABILITY', 'STORAGE_FAILED', 'INVALID_REQUEST'],
  },
];
