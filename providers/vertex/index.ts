import type { Provider } from '../types';
import { createVertexAdapter } from './adapter';
import { VERTEX_BASE_URL, VERTEX_PROVIDER_ID, VERTEX_SETTINGS } from './api';
import { vertexModels } from './models';

/**
 * Google on Vertex AI: the Imagen edit, upscale and product-recontext models the Gemini API
 * does not serve. Authenticated by a service account (or a ready access token) given in its
 * settings, not by API keys from the pool.
 */
export const vertexProvider: Provider = {
  id: VERTEX_PROVIDER_ID,
  displayName: 'Google Vertex AI',
  models: vertexModels,
  requiresApiKey: false,
  defaultBaseUrl: VERTEX_BASE_URL,
  // the docs give every path under https://{LOCATION}-aiplatform.googleapis.com/v1
  baseUrlVersion: '/v1',
  settings: VERTEX_SETTINGS,
  // What vertexConnection would refuse for want of a setting, said before a submit is accepted.
  missingSettings: (s) =>
    s.CREDENTIALS || s.ACCESS_TOKEN ? (s.CREDENTIALS || s.PROJECT ? undefined : 'set GENFLOW_VERTEX_PROJECT (required with GENFLOW_VERTEX_ACCESS_TOKEN)') : 'set GENFLOW_VERTEX_CREDENTIALS (a service-account key file or its JSON) or GENFLOW_VERTEX_ACCESS_TOKEN',
  createAdapter: (env) => createVertexAdapter(env),
};

export { createVertexAdapter } from './adapter';
export { vertexModels, type VertexModel } from './models';
