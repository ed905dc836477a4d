export const VERTEX_PROVIDER_ID = 'vertex';
/** The regional endpoint for the default location; another location gets its own host (api.ts). */
export const VERTEX_DEFAULT_LOCATION = 'us-central1';
export const VERTEX_BASE_URL = `https://${VERTEX_DEFAULT_LOCATION}-aiplatform.googleapis.com`;
