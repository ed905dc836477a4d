import type { Provider } from '../types';
import { createGoogleAdapter } from './adapter';
import { GOOGLE_BASE_URL, GOOGLE_PROVIDER_ID } from './api';
import { googleModels } from './models';

/** Google on the Gemini API: Gemini image models, Imagen 4 and Veo, with a Gemini API key. */
export const googleProvider: Provider = {
  id: GOOGLE_PROVIDER_ID,
  displayName: 'Google (Gemini API)',
  models: googleModels,
  requiresApiKey: true,
  defaultBaseUrl: GOOGLE_BASE_URL,
  // the Gemini API docs give https://generativelanguage.googleapis.com/v1beta
  baseUrlVersion: '/v1beta',
  createAdapter: (env) => createGoogleAdapter(env),
};

export { createGoogleAdapter } from './adapter';
export { googleModels, type GoogleModel } from './models';
