import type { Provider } from '../types';
import { createReplicateAdapter } from './adapter';
import { REPLICATE_BASE_URL, REPLICATE_DELIVERY_HOSTS, REPLICATE_PROVIDER_ID } from './api';
import { replicateModels } from './models';

/** Replicate: predictions on official models, polled or reported by signed webhooks. */
export const replicateProvider: Provider = {
  id: REPLICATE_PROVIDER_ID,
  displayName: 'Replicate',
  models: replicateModels,
  requiresApiKey: true,
  defaultBaseUrl: REPLICATE_BASE_URL,
  // the docs give every endpoint under https://api.replicate.com/v1
  baseUrlVersion: '/v1',
  deliveryHosts: REPLICATE_DELIVERY_HOSTS,
  createAdapter: (env) => createReplicateAdapter(env),
};

export { createReplicateAdapter, type ReplicateAdapterOptions } from './adapter';
export { replicateModels } from './models';
export { verifyReplicateWebhook, signWebhookContent } from './webhook';
