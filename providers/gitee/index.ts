import type { Provider } from '../types';
import { createGiteeAdapter } from './adapter';
import { GITEE_BASE_URL, GITEE_PROVIDER_ID } from './api';
import { giteeModels } from './models';

/** Gitee AI (模力方舟, ai.gitee.com): OpenAI-style images, async Wan video tasks. */
export const giteeProvider: Provider = {
  id: GITEE_PROVIDER_ID,
  displayName: 'Gitee AI',
  models: giteeModels,
  requiresApiKey: true,
  defaultBaseUrl: GITEE_BASE_URL,
  // the docs give the base URL as https://ai.gitee.com/v1
  baseUrlVersion: '/v1',
  createAdapter: (env) => createGiteeAdapter(env),
};

export { createGiteeAdapter } from './adapter';
export { giteeModels } from './models';
