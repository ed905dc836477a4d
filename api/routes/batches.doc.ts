import { z } from 'zod';
import { createBatchBody } from '../../domain/batch-body';
import { idempotencyHeader } from '../idempotency-key';
import type { RouteDoc } from '../openapi/registry';
import { batchCreatedSchema, batchEstimateSchema, batchListSchema, batchSchema } from '../openapi/view-schemas';
import { batchListQuery, listQuery, submitQuery } from './batches';

const tag = 'Batches';
const idParams = z.object({ id: z.uuid() });

export const batchDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/batches',
    tag,
    access: 'key',
    summary: 'Submit a batch of generations',
    description:
      'Each item of `requests` is a POST /v1/generations body, submitted exactly like one (default model per kind, fallbacks, metadata); one invalid ' +
      'item rejects the whole batch, naming its index, and so does an item whose provider has no API key (503 PROVIDER_UNAVAILABLE). An input image ' +
      'may be an earlier item\'s output: `"inputImages": [{"fromItem": 0}]` (the item it names must make an image); the item starts once that item ' +
      'has succeeded, with its first image output as the input, and fails with DEPENDENCY_FAILED when it did not. ' +
      'With `?dryRun=true` every item is validated and priced, and nothing is written or started.',
    query: submitQuery,
    headers: idempotencyHeader('batch (200)'),
    body: { json: createBatchBody },
    responses: {
      202: { description: 'Accepted: the batch is running', schema: batchCreatedSchema },
      200: {
        description: 'A retry with the same Idempotency-Key: the existing batch; with `?dryRun=true`, the estimate',
        schema: z.union([batchCreatedSchema, batchEstimateSchema]),
      },
    },
    errors: ['INVALID_PARAMETERS', 'UNSUPPORTED_CAPABILITY', 'UNAVAILABLE', 'QUOTA_EXCEEDED', 'CONFLICT', 'PROVIDER_UNAVAILABLE'],
  },
  {
    method: 'get',
    path: '/v1/batches',
    tag,
    access: 'key',
    summary: 'List batches, newest first, each with its counts (a user key sees its own)',
    query: batchListQuery,
    responses: { 200: { description: 'A page of batches', schema: batchListSchema } },
  },
  {
    method: 'get',
    path: '/v1/batches/:id',
    tag,
    access: 'key',
    summary: 'Get a batch with a page of its items, each with its outputs (asset URLs) and cost',
    params: idParams,
    query: listQuery,
    responses: { 200: { description: 'The batch', schema: batchSchema } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/v1/batches/:id/cancel',
    tag,
    access: 'key',
    summary: 'Cancel a batch (its running and unstarted items)',
    params: idParams,
    responses: { 202: { description: 'Cancellation requested', schema: batchSchema } },
    errors: ['NOT_FOUND'],
  },
];
