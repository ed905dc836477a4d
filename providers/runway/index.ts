import type { Provider } from '../types';
import { createRunwayAdapter } from './adapter';
import { RUNWAY_BASE_URL, RUNWAY_PROVIDER_ID } from './api';
import { runwayModels } from './models';

/** Runway's developer API (api.dev.runwayml.com): Gen-4 Turbo and Gen-4.5 video tasks. */
export const runwayProvider: Provider = {
  id: RUNWAY_PROVIDER_ID,
  displayName: 'Runway',
  models: runwayModels,
  requiresApiKey: true,
  defaultBaseUrl: RUNWAY_BASE_URL,
  // the docs give every endpoint under https://api.dev.runwayml.com/v1
  baseUrlVersion: '/v1',
  createAdapter: (env) => createRunwayAdapter(env),
};

export { createRunwayAdapter } from './adapter';
export { runwayModels, type RunwayModel } from './models';
