import type { Provider } from '../types';
import { createPolloAdapter } from './adapter';
import { POLLO_BASE_URL, POLLO_PROVIDER_ID } from './api';
import { polloModels } from './models';

/** Pollo AI's generation API: Veo 3 and Kling, polled or pushed by signed webhooks. */
export const polloProvider: Provider = {
  id: POLLO_PROVIDER_ID,
  displayName: 'Pollo AI',
  models: polloModels,
  requiresApiKey: true,
  defaultBaseUrl: POLLO_BASE_URL,
  // Optional: GENFLOW_POLLO_WEBHOOK_URL is sent as webhookUrl. The workflow polls either way.
  settings: ['WEBHOOK_URL'],
  createAdapter: (env) => {
    const webhookUrl = env.settings?.WEBHOOK_URL;
    return createPolloAdapter(env, webhookUrl ? { webhookUrl } : {});
  },
};

export { createPolloAdapter, type PolloAdapterOptions } from './adapter';
export { signPolloWebhook } from './api';
export { polloModels, type PolloModel } from './models';
