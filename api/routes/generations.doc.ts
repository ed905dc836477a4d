import { z } from 'zod';
import { createGenerationBody, MAX_INPUT_IMAGES } from '../../domain/generation';
import { MODEL_KINDS } from '../../domain/models';
import { idempotencyHeader } from '../idempotency-key';
import type { RouteDoc } from '../openapi/registry';
import { generationEstimateSchema, generationListSchema, generationSchema } from '../openapi/view-schemas';
import { listQuery, submitQuery } from './generations';

const tag = 'Generations';
const idParams = z.object({ id: z.uuid().describe('Generation id') });
const idempotency = idempotencyHeader('generation (200)');

/** The multipart form of POST /v1/generations: the JSON fields as form fields, images as files or URLs. */
const generationForm = z.object({
  model: z.string().min(1).max(200).optional(),
  kind: z.enum(MODEL_KINDS).optional(),
  prompt: z.string().min(1).max(10_000),
  parameters: z.string().optional().describe('The parameters object as a JSON string'),
  inputImages: z.array(z.string().meta({ format: 'binary' })).max(MAX_INPUT_IMAGES).optional().describe('Image files (or URLs as text parts)'),
  numberOfOutputs: z.string().regex(/^[1-4]$/).optional(),
  enhancePrompt: z.enum(['true', 'false']).optional(),
  frameId: z.uuid().optional(),
  shotId: z.uuid().optional(),
});

export const generationDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/generations',
    tag,
    access: 'key',
    summary: 'Submit a generation',
    description:
      'Validates the request against the model (GET /v1/models lists each model\'s parameters), records it and starts its durable workflow; answers at once with status `queued`. ' +
      'Give `model`, or `kind` to use the configured default model for that kind. With `experimentId` an experiment allocates the model. ' +
      'With `frameId` or `shotId` the generation is attached to that studio frame or shot (404 when it is not the caller\'s) and inherits its project\'s `defaults` for the fields it leaves unset (the model too). ' +
      'With `?dryRun=true` the request is validated exactly as a submit and answered 200 with its estimate (the model chosen, the parameters as they would run, `estimatedCost`): ' +
      'nothing is written, no budget reserved, nothing started. A model whose provider has no API key configured is refused at once with 503 PROVIDER_UNAVAILABLE.',
    query: submitQuery,
    headers: idempotency,
    body: { json: createGenerationBody, multipart: generationForm },
    responses: {
      202: { description: 'Accepted: the generation is queued', schema: generationSchema },
      200: {
        description: 'A retry with the same Idempotency-Key: the existing generation; with `?dryRun=true`, the estimate',
        schema: z.union([generationSchema, generationEstimateSchema]),
      },
    },
    errors: ['INVALID_PARAMETERS', 'UNSUPPORTED_CAPABILITY', 'INPUT_FETCH_FAILED', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAVAILABLE', 'QUOTA_EXCEEDED', 'PROVIDER_UNAVAILABLE'],
  },
  {
    method: 'get',
    path: '/v1/generations',
    tag,
    access: 'key',
    summary: 'List and search generations',
    description:
      'Newest first, a page at a time (`nextCursor`). `q` searches prompts (English and Chinese); `metadata.<key>=<value>` filters on client metadata. ' +
      'A user key sees its own generations; an admin key everyone\'s, or one `owner`\'s (a user key naming another owner gets 403).',
    query: listQuery,
    responses: { 200: { description: 'A page of generations', schema: generationListSchema } },
    errors: ['FORBIDDEN'],
  },
  {
    method: 'get',
    path: '/v1/generations/:id',
    tag,
    access: 'key',
    summary: 'Get a generation',
    params: idParams,
    responses: { 200: { description: 'The generation, with its outputs once it succeeded', schema: generationSchema } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/v1/generations/:id/cancel',
    tag,
    access: 'key',
    summary: 'Cancel a generation',
    description: 'Cancels the workflow (which cancels the provider job) and waits briefly for `canceled`.',
    params: idParams,
    responses: { 202: { description: 'Cancellation requested; usually already `canceled`', schema: generationSchema } },
    errors: ['NOT_FOUND', 'CONFLICT'],
  },
  {
    method: 'get',
    path: '/v1/generations/:id/events',
    tag,
    access: 'key',
    summary: 'Follow a generation as Server-Sent Events',
    description: '`progress` events (`{ id, status, progress }`) on every change, then one `done` event with the whole generation; the stream then closes.',
    params: idParams,
    responses: { 200: { description: 'An event stream', contentType: 'text/event-stream' } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'delete',
    path: '/v1/generations/:id',
    tag,
    access: 'key',
    summary: 'Delete a finished generation and its media',
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    errors: ['NOT_FOUND', 'CONFLICT', 'STORAGE_FAILED'],
  },
];
