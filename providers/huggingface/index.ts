import type { Provider } from '../types';
import { createHuggingFaceAdapter } from './adapter';
import { HUGGINGFACE_PROVIDER_ID, HUGGINGFACE_ROUTER_URL } from './api';
import { huggingfaceModels } from './models';

/** Hugging Face: Inference Providers (router.huggingface.co) and Gradio Spaces. */
export const huggingfaceProvider: Provider = {
  id: HUGGINGFACE_PROVIDER_ID,
  displayName: 'Hugging Face',
  models: huggingfaceModels,
  requiresApiKey: true,
  defaultBaseUrl: HUGGINGFACE_ROUTER_URL,
  createAdapter: (env) => createHuggingFaceAdapter(env),
};

export { createHuggingFaceAdapter } from './adapter';
export { huggingfaceModels } from './models';
