import type { z } from 'zod';
import type { ModelKind } from '../domain/models';
import { bflProvider } from './bfl';
import { elevenlabsProvider } from './elevenlabs';
import { giteeProvider } from './gitee';
import { falProvider } from './fal';
import { googleProvider } from './google';
import { huggingfaceProvider } from './huggingface';
import { jiekouProvider } from './jiekou';
import { kieProvider } from './kie';
import { klingProvider } from './kling';
import { localProvider } from './local';
import { modelscopeProvider } from './modelscope';
import { openaiProvider } from './openai';
import { polloProvider } from './pollo';
import { replicateProvider } from './replicate';
import { stabilityProvider } from './stability';
import { runwayProvider } from './runway';
import { tuziProvider } from './tuzi';
import { vertexProvider } from './vertex';
import type { ModelSpec, Provider } from './types';

/** The one place a provider is registered. */
export const providers: Readonly<Record<string, Provider>> = {
  [localProvider.id]: localProvider,
  [openaiProvider.id]: openaiProvider,
  [replicateProvider.id]: replicateProvider,
  [bflProvider.id]: bflProvider,
  [kieProvider.id]: kieProvider,
  [googleProvider.id]: googleProvider,
  [elevenlabsProvider.id]: elevenlabsProvider,
  [jiekouProvider.id]: jiekouProvider,
  [giteeProvider.id]: giteeProvider,
  [huggingfaceProvider.id]: huggingfaceProvider,
  [modelscopeProvider.id]: modelscopeProvider,
  [stabilityProvider.id]: stabilityProvider,
  [falProvider.id]: falProvider,
  [klingProvider.id]: klingProvider,
  [runwayProvider.id]: runwayProvider,
  [tuziProvider.id]: tuziProvider,
  [polloProvider.id]: polloProvider,
  [vertexProvider.id]: vertexProvider,
};

export interface ModelEntry {
  provider: Provider;
  model: ModelSpec;
}

function indexModels(): Map<string, ModelEntry> {
  return new Map(Object.values(providers).flatMap((provider) => provider.models.map((model) => [model.id, { provider, model }] as const)));
}
let modelIndex = indexModels();

/**
 * Adds the providers a user declared in the GENFLOW_CUSTOM_PROVIDERS file (loaded once at
 * start) to the same map, so every lookup sees them like built-in ones. Declaring a provider
 * again replaces the earlier declaration; a built-in provider cannot be shadowed.
 */
export function registerCustomProviders(custom: readonly Provider[]): void {
  const map = providers as Record<string, Provider>;
  for (const provider of custom) {
    const existing = map[provider.id];
    if (existing && !existing.custom) throw new Error(`custom provider '${provider.id}' would replace the built-in provider of that id`);
    map[provider.id] = provider;
  }
  modelIndex = indexModels();
}

export function findModel(id: string): ModelEntry | undefined {
  return modelIndex.get(id);
}

export function listModels(): ModelEntry[] {
  return [...modelIndex.values()];
}

export function modelsOfKind(kind: ModelKind): ModelEntry[] {
  return listModels().filter((entry) => entry.model.kinds.includes(kind));
}

export type ParametersOf<M extends ModelSpec> = z.infer<M['parameters']>;
