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
    summary: "Set a provider's base URL, API keys, enabled flag, time-out, rate limit and per-model switches and defaults",
    description:
      'Overrides the environment in every process within a couple of seconds, without a restart. API keys are stored encrypted and shown masked. ' +
      "Keys belong to a host: a baseUrl other than the environment's needs its own apiKeys, or rebindKeys: true to send the keys in force there (else 400). " +
      'A baseUrl with credentials, or at a loopback, private, link-local or metadata address (in any spelling), is refused with 400 unless GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS=1; ' +
      'a trailing version segment from the provider docs (…/v1) is accepted. Ids other than the registry\'s answer 404. ' +
      '`models` switches single models off (`{"models": {"<provider>/<model>": {"enabled": false}}}`): their new generations fail with PROVIDER_UNAVAILABLE and GET /v1/models shows them unavailable; a model id the provider does not have is refused with 400. ' +
      '`models.<id>.defaults` sets parameter values that submits of that model get when they do not give them (the request\'s own win; checked against the model\'s parameters, 400 naming the field otherwise); GET /v1/models shows them as configuredDefaults.',
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
