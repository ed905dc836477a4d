import type { RouteDoc } from '../openapi/registry';
import { usageSchema } from '../openapi/view-schemas';
import { usageQuery } from './usage';

export const usageDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/usage',
    tag: 'API keys',
    access: 'key',
    summary: 'Spend by UTC day, model and provider: estimate vs actual',
    description:
      "`settledUsd` is what finished generations cost (the actual: the provider's reported charge where it reports one, else the price-table estimate of the model that produced the result), " +
      '`estimatedUsd` what the price table said for them, `reportedUsd` the part of `settledUsd` the providers reported, ' +
      '`reservedUsd` what running ones hold, `releasedUsd` what failed or canceled ones gave back (a failure the provider charged for is settled, not released). ' +
      'A generation counts under the model the money went to (after a fallback, the fallback). ' +
      'Default range: the last 30 days, `to` inclusive. A user key sees its own owner; an admin key everyone\'s, or one `owner`\'s (a user key naming another owner gets 403).',
    query: usageQuery,
    responses: { 200: { description: 'Usage rows and totals', schema: usageSchema } },
    errors: ['FORBIDDEN'],
  },
];
