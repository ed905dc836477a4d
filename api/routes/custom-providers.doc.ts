import { z } from 'zod';
import type { RouteDoc } from '../openapi/registry';

const tag = 'Models';
const params = z.object({ id: z.string().describe('The custom provider id (lower-case letters, digits and -); its models are `<id>/<model>`') });

const customProviderSchema = z
  .strictObject({
    id: z.string(),
    declaration: z.record(z.string(), z.unknown()).describe('As given (the GENFLOW_CUSTOM_PROVIDERS declaration language, without id)'),
    models: z.array(z.string()).describe('Its model ids, as /v1/models lists them'),
    version: z.int().describe('1 when created; one more on every replace'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ title: 'CustomProvider' });

const declarationBody = z
  .record(z.string(), z.unknown())
  .describe(
    'One provider of the GENFLOW_CUSTOM_PROVIDERS declaration language (README "Custom HTTP providers"): baseUrl, auth, models with submit, task and outputs, … An id, if given, must be the path\'s.',
  );

export const customProviderDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/custom-providers',
    tag,
    access: 'admin',
    summary: 'Custom providers declared over the API',
    responses: { 200: { description: 'Every one, by id', schema: z.strictObject({ data: z.array(customProviderSchema) }) } },
  },
  {
    method: 'get',
    path: '/v1/custom-providers/:id',
    tag,
    access: 'admin',
    summary: 'One custom provider declared over the API',
    params,
    responses: { 200: { description: 'The declaration and its models', schema: customProviderSchema } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'put',
    path: '/v1/custom-providers/:id',
    tag,
    access: 'admin',
    summary: 'Declare (or replace) a custom HTTP provider, without a restart',
    description:
      'Validated like the file (400 naming the field); its base URL is held to the same address policy as provider configs. ' +
      'Every API and worker process picks it up within about two seconds, and at once when it meets one of its models. ' +
      'Keys are not part of a declaration: set them with PUT /v1/providers/:id/config. The id of a built-in or file-declared provider answers 409.',
    params,
    body: { json: declarationBody },
    responses: {
      200: { description: 'Replaced', schema: customProviderSchema },
      201: { description: 'Created', schema: customProviderSchema },
    },
    errors: ['CONFLICT'],
  },
  {
    method: 'delete',
    path: '/v1/custom-providers/:id',
    tag,
    access: 'admin',
    summary: 'Remove a custom provider declared over the API',
    description: 'Its models disappear from /v1/models and new submits of them are refused; generations of it still running fail at their next provider call.',
    params,
    responses: { 204: { description: 'Removed' } },
    errors: ['NOT_FOUND'],
  },
];
