import type { Provider } from '../types';
import { createTuziAdapter } from './adapter';
import { TUZI_BASE_URL, TUZI_PROVIDER_ID } from './api';
import { tuziModels } from './models';

/** TuZi: GPT Image through its OpenAI-style endpoint, Kling through its proxy, Midjourney through mj-proxy. */
export const tuziProvider: Provider = {
  id: TUZI_PROVIDER_ID,
  displayName: 'TuZi',
  models: tuziModels,
  requiresApiKey: true,
  defaultBaseUrl: TUZI_BASE_URL,
  // OpenAI-compatible: the docs give https://api.tu-zi.com/v1 (its /kling and /mj routes sit at the root)
  baseUrlVersion: '/v1',
  createAdapter: (env) => createTuziAdapter(env),
};

export { createTuziAdapter } from './adapter';
export { tuziModels, type TuziModel } from './models';
