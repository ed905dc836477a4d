import { z } from 'zod';
import { createBatchBody } from '../../domain/batch-body';
import { idempotencyHeader } from '../idempotency-key';
import type { RouteDoc } from '../openapi/registry';
import { batchCreatedSchema, batchListSchema, batchSchema } from '../openapi/view-schemas';
import { batchListQuery, listQuery } from './batches';

const tag = 'Batches';
const idParams = z.object({ id: z.uuid() });

export const batchDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/batches',
    tag,
    access: 'key',
    summary: 'Submit a batch of generations',
    description: 'Each item of `requests` is a POST /v1/generations body; one invalid item rejects the whole batch, naming its index.',
    headers: idempotencyHeader('batch (200)'),
    body: { json: createBatchBody },
    responses: {
      202: { description: 'Accepted: the batch is running', schema: batchCreatedSchema },
      200: { description: 'A retry with the same Idempotency-Key: the existing batch', schema: batchCreatedSchema },
    },
    errors: ['INVALID_PARAMETERS', 'UNSUPPORTED_CAPABILITY', 'UNAVAILABLE', 'QUOTA_EXCEEDED', 'CONFLICT'],
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
    summary: 'Get a batch with a page of its items',
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
