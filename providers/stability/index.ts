import type { Provider } from '../types';
import { createStabilityAdapter } from './adapter';
import { STABILITY_BASE_URL, STABILITY_PROVIDER_ID } from './api';
import { stabilityModels } from './models';

/** Stability AI: Stable Image Ultra/Core, SD 3.5, and upscaling. */
export const stabilityProvider: Provider = {
  id: STABILITY_PROVIDER_ID,
  displayName: 'Stability AI',
  models: stabilityModels,
  requiresApiKey: true,
  defaultBaseUrl: STABILITY_BASE_URL,
  // the docs give every endpoint under https://api.stability.ai/v2beta
  baseUrlVersion: '/v2beta',
  createAdapter: (env) => createStabilityAdapter(env),
};

export { createStabilityAdapter } from './adapter';
export { stabilityModels } from './models';
