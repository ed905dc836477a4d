import type { Provider } from '../types';
import { createBflAdapter } from './adapter';
import { BFL_BASE_URL, BFL_PROVIDER_ID } from './api';
import { bflModels } from './models';

/** Black Forest Labs (FLUX): async tasks, polled at the URL the submit answers. */
export const bflProvider: Provider = {
  id: BFL_PROVIDER_ID,
  displayName: 'Black Forest Labs (FLUX)',
  models: bflModels,
  requiresApiKey: true,
  defaultBaseUrl: BFL_BASE_URL,
  // the docs give every endpoint under https://api.bfl.ai/v1
  baseUrlVersion: '/v1',
  createAdapter: (env) => createBflAdapter(env),
};

export { createBflAdapter } from './adapter';
export { bflModels } from './models';
