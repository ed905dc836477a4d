import type { Provider } from '../types';
import { createOpenAIAdapter } from './adapter';
import { OPENAI_BASE_URL, OPENAI_PROVIDER_ID } from './api';
import { openaiModels } from './models';

/** OpenAI: Images API (gpt-image-1, DALL·E 3 and 2) and chat completions for prompt text. */
export const openaiProvider: Provider = {
  id: OPENAI_PROVIDER_ID,
  displayName: 'OpenAI',
  models: openaiModels,
  requiresApiKey: true,
  defaultBaseUrl: OPENAI_BASE_URL,
  // the docs give the base URL as https://api.openai.com/v1
  baseUrlVersion: '/v1',
  createAdapter: (env) => createOpenAIAdapter(env),
};

export { createOpenAIAdapter } from './adapter';
export { openaiModels } from './models';
