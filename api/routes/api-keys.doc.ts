import { z } from 'zod';
import { createApiKeyBody } from '../../domain/accounts';
import type { RouteDoc } from '../openapi/registry';
import { apiKeyCreatedSchema, apiKeyListSchema, apiKeySchema } from '../openapi/view-schemas';

const tag = 'API keys';

export const apiKeyDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/api-keys',
    tag,
    access: 'admin',
    summary: 'Create an API key',
    description:
      'The key itself is in this answer only (genflow keeps its hash). A key without `owner` is its own owner: it sees only what it submitted. ' +
      'Budgets are in USD; rate limits override the defaults for user keys.',
    body: { json: createApiKeyBody },
    responses: { 201: { description: 'The new key, with `key`', schema: apiKeyCreatedSchema } },
  },
  {
    method: 'get',
    path: '/v1/api-keys',
    tag,
    access: 'admin',
    summary: 'List API keys (never the keys themselves)',
    responses: { 200: { description: 'Every key, revoked ones included', schema: apiKeyListSchema } },
  },
  {
    method: 'delete',
    path: '/v1/api-keys/:id',
    tag,
    access: 'admin',
    summary: 'Revoke an API key',
    description: 'The key is refused (401) from now on; the row stays, with `revokedAt`.',
    params: z.object({ id: z.uuid().describe('API key id') }),
    responses: { 200: { description: 'The revoked key', schema: apiKeySchema } },
    errors: ['NOT_FOUND'],
  },
];
