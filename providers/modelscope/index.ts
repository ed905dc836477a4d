import type { Provider } from '../types';
import { createModelScopeAdapter } from './adapter';
import { MODELSCOPE_BASE_URL, MODELSCOPE_PROVIDER_ID } from './api';
import { modelscopeModels } from './models';

/** ModelScope API-Inference (魔搭): async image tasks, polled. */
export const modelscopeProvider: Provider = {
  id: MODELSCOPE_PROVIDER_ID,
  displayName: 'ModelScope API-Inference',
  models: modelscopeModels,
  requiresApiKey: true,
  defaultBaseUrl: MODELSCOPE_BASE_URL,
  // the docs give the base URL as https://api-inference.modelscope.cn/v1
  baseUrlVersion: '/v1',
  createAdapter: (env) => createModelScopeAdapter(env),
};

export { createModelScopeAdapter } from './adapter';
export { modelscopeModels } from './models';
