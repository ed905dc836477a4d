import type { Provider } from '../types';
import { createLocalAdapter } from './adapter';
import { localModels } from './models';

/** The built-in provider: real media rendered on this machine, no network, no key. */
export const localProvider: Provider = {
  id: 'local',
  displayName: 'Local (built-in)',
  models: localModels,
  requiresApiKey: false,
  createAdapter: (env) => createLocalAdapter(env),
};

export { createLocalAdapter, type LocalAdapterOptions } from './adapter';
export { LocalModelId, localModels } from './models';
