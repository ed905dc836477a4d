import { z } from 'zod';
import type { RouteDoc } from '../openapi/registry';
import { ratingSchema } from '../openapi/view-schemas';
import { ratingBody } from './ratings';

export const ratingDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/generations/:id/rating',
    tag: 'Generations',
    access: 'key',
    summary: 'Rate a succeeded generation (1-5)',
    description: 'Stored (a second rating replaces the first) and forwarded to the experiment that allocated the generation, if any.',
    params: z.object({ id: z.uuid() }),
    body: { json: ratingBody },
    responses: { 200: { description: 'The rating as stored', schema: ratingSchema } },
    errors: ['NOT_FOUND', 'CONFLICT'],
  },
];
