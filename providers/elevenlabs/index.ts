import type { Provider } from '../types';
import { createElevenLabsAdapter } from './adapter';
import { ELEVENLABS_BASE_URL, ELEVENLABS_PROVIDER_ID } from './api';
import { elevenlabsModels } from './models';

/** ElevenLabs text-to-speech: voice, model and output format; the audio is stored as an asset. */
export const elevenlabsProvider: Provider = {
  id: ELEVENLABS_PROVIDER_ID,
  displayName: 'ElevenLabs',
  models: elevenlabsModels,
  requiresApiKey: true,
  defaultBaseUrl: ELEVENLABS_BASE_URL,
  // the docs give every endpoint under https://api.elevenlabs.io/v1
  baseUrlVersion: '/v1',
  createAdapter: (env) => createElevenLabsAdapter(env),
};

export { createElevenLabsAdapter, ttsBody } from './adapter';
export { elevenlabsModels, type ElevenLabsModel } from './models';
