import type { Provider } from '../types';
import { createKieAdapter } from './adapter';
import { KIE_BASE_URL, KIE_PROVIDER_ID } from './api';
import { kieModels } from './models';

/**
 * Kie.ai: one key for GPT-4o image, Flux Kontext, Nano Banana (and its upscaler), Seedream, Sora 2
 * (and Pro, and the watermark remover), Kling, Wan, ByteDance Seedance, Veo, Runway (both with
 * extend) and Midjourney.
 */
export const kieProvider: Provider = {
  id: KIE_PROVIDER_ID,
  displayName: 'Kie.ai',
  models: kieModels,
  requiresApiKey: true,
  defaultBaseUrl: KIE_BASE_URL,
  // Kie does not sign its callbacks: the submit activity gives each task a callback URL with a
  // per-generation token (GENFLOW_PUBLIC_URL); the workflow polls either way.
  createAdapter: (env) => createKieAdapter(env),
};

export { createKieAdapter, type KieAdapterOptions } from './adapter';
export { kieModels, type KieModel } from './models';
