import type { Provider } from '../types';
import { createKlingAdapter } from './adapter';
import { KLING_BASE_URL, KLING_PROVIDER_ID } from './api';
import { klingModels } from './models';

/** Kling's official API: video from text or a frame, and images; keys are `accessKey:secretKey`. */
export const klingProvider: Provider = {
  id: KLING_PROVIDER_ID,
  displayName: 'Kling AI',
  models: klingModels,
  requiresApiKey: true,
  defaultBaseUrl: KLING_BASE_URL,
  // the docs give every endpoint under the region's host + /v1
  baseUrlVersion: '/v1',
  // Optional: GENFLOW_KLING_CALLBACK_URL, where Kling should push task updates. The workflow polls either way.
  settings: ['CALLBACK_URL'],
  createAdapter: (env) => {
    const callbackUrl = env.settings?.CALLBACK_URL;
    return createKlingAdapter(env, callbackUrl ? { callbackUrl } : {});
  },
};

export { createKlingAdapter, type KlingAdapterOptions } from './adapter';
export { klingJwt } from './api';
export { klingModels, type KlingModel } from './models';
