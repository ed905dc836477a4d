import type { Provider } from '../types';
import { createFalAdapter } from './adapter';
import { FAL_BASE_URL, FAL_PROVIDER_ID } from './api';
import { falModels } from './models';

/** fal.ai: its queue API for Pika video and FLUX images; results polled or pushed by signed webhooks. */
export const falProvider: Provider = {
  id: FAL_PROVIDER_ID,
  displayName: 'fal.ai',
  models: falModels,
  requiresApiKey: true,
  defaultBaseUrl: FAL_BASE_URL,
  // Optional: GENFLOW_FAL_WEBHOOK_URL is sent as fal_webhook; GENFLOW_FAL_JWKS_URL overrides
  // where the webhook signing keys are read (a local fake in tests).
  settings: ['WEBHOOK_URL', 'JWKS_URL'],
  createAdapter: (env) => {
    const webhookUrl = env.settings?.WEBHOOK_URL;
    const jwksUrl = env.settings?.JWKS_URL;
    return createFalAdapter(env, { ...(webhookUrl ? { webhookUrl } : {}), ...(jwksUrl ? { jwksUrl } : {}) });
  },
};

export { createFalAdapter, type FalAdapterOptions } from './adapter';
export { falModels, type FalModel } from './models';
export { falSignedMessage } from './webhook';
