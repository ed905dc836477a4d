import type { RouteDoc } from '../openapi/registry';
import { usageSchema } from '../openapi/view-schemas';
import { usageQuery } from './usage';

export const usageDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/usage',
    tag: 'API keys',
    access: 'key',
    summary: 'Spend by UTC day and model',
    description:
      '`settledUsd` is what finished generations cost, `reservedUsd` what running ones hold, `releasedUsd` what failed or canceled ones gave back. ' +
      'Default range: the last 30 days, `to` inclusive. A user key sees its own owner; an admin key everyone\'s, or one `owner`\'s (a user key naming another owner gets 403).',
    query: usageQuery,
    responses: { 200: { description: 'Usage rows and totals', schema: usageSchema } },
    errors: ['FORBIDDEN'],
  },
];
