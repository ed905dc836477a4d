import type { Provider } from '../types';
import { createJiekouAdapter } from './adapter';
import { JIEKOU_BASE_URL, JIEKOU_PROVIDER_ID } from './api';
import { jiekouModels } from './models';

/** Jiekou AI (接口AI): Sora 2 video as async tasks; input images by URL only. */
export const jiekouProvider: Provider = {
  id: JIEKOU_PROVIDER_ID,
  displayName: 'Jiekou AI',
  models: jiekouModels,
  requiresApiKey: true,
  defaultBaseUrl: JIEKOU_BASE_URL,
  // the docs give every async endpoint under https://api.jiekou.ai/v3
  baseUrlVersion: '/v3',
  createAdapter: (env) => createJiekouAdapter(env),
};

export { createJiekouAdapter } from './adapter';
export { jiekouModels } from './models';
