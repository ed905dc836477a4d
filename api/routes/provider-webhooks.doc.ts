import { z } from 'zod';
import type { RouteDoc } from '../openapi/registry';
import { tokenQuery } from './provider-webhooks';

export const providerWebhookDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/webhooks/:provider',
    tag: 'Operations',
    access: 'public',
    summary: 'A provider reports progress on a task (called by providers, not API-key holders)',
    description:
      "Authenticated by the provider's signature (when `GENFLOW_<P>_WEBHOOK_SECRET` is set and the provider signs) or else by the per-generation " +
      '`generation` and `token` genflow put in the callback URL. A verified delivery wakes the workflow, which polls at once; ' +
      'duplicate, late and unknown-task deliveries answer 200 and change nothing.',
    params: z.object({ provider: z.string().describe('Provider id') }),
    query: tokenQuery.partial(),
    body: { json: z.looseObject({}).describe("The provider's own callback payload"), required: false },
    responses: {
      200: { description: 'Received', schema: z.strictObject({ received: z.literal(true), signalled: z.boolean() }) },
    },
    errors: ['AUTHENTICATION_FAILED', 'NOT_FOUND', 'UNAVAILABLE'],
  },
];
