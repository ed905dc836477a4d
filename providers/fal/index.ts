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
  createAdapter: (env) => {
    const webhookUrl = process.env.GENFLOW_FAL_WEBHOOK_URL?.trim();
    const jwksUrl = process.env.GENFLOW_FAL_JWKS_URL?.trim();
    return createFalAdapter(env, { ...(webhookUrl ? { webhookUrl } : {}), ...(jwksUrl ? { jwksUrl } : {}) });
  },
};

export { createFalAdapter, type FalAdapterOptions } from './adapter';
export { falModels, type FalModel } from './models';
export { falSignedMessage } from './webhook';
