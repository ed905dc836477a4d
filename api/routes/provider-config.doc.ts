import { z } from 'zod';
import { providerConfigBody } from '../../providers/provider-config';
import type { RouteDoc } from '../openapi/registry';
import { providerConfigSchema } from '../openapi/view-schemas';

const tag = 'Models';
const params = z.object({ id: z.string().describe('Provider id (GET /v1/providers lists them)') });

export const providerConfigDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/providers/:id/config',
    tag,
    access: 'admin',
    summary: "A provider's settings set over the API",
    params,
    responses: { 200: { description: 'The settings, API keys masked', schema: providerConfigSchema } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'put',
    path: '/v1/providers/:id/config',
    tag,
    access: 'admin',
    summary: "Set a provider's base URL, API keys, enabled flag, time-out and rate limit",
    description: 'Overrides the environment in every process within a couple of seconds, without a restart. API keys are stored encrypted and shown masked.',
    params,
    body: { json: providerConfigBody },
    responses: { 200: { description: 'The stored settings, API keys masked', schema: providerConfigSchema } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'delete',
    path: '/v1/providers/:id/config',
    tag,
    access: 'admin',
    summary: 'Return a provider to its environment settings',
    params,
    responses: { 204: { description: 'Removed' } },
    errors: ['NOT_FOUND'],
  },
];
