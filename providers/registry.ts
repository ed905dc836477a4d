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
  catalogueVersion += 1;
}

/** Ids of the providers declared over the API (`/v1/custom-providers`), replaced as a set. */
const apiDeclared = new Set<string>();
/** Goes up whenever the providers change, so caches built from them know to rebuild. */
let catalogueVersion = 0;

/**
 * Replaces the providers declared over the API with `list` (providers/custom/api-sync.ts calls
 * it in every process when the stored declarations change). A declaration whose id is taken by
 * a built-in or file-declared provider is skipped (the API refuses those ids; one could only
 * appear if the file gained it later); the skipped ids are returned.
 */
export function setApiProviders(list: readonly Provider[]): string[] {
  const map = providers as Record<string, Provider>;
  for (const id of apiDeclared) delete map[id];
  apiDeclared.clear();
  const clashes: string[] = [];
  for (const provider of list) {
    if (Object.hasOwn(map, provider.id)) {
      clashes.push(provider.id);
      continue;
    }
    map[provider.id] = provider;
    apiDeclared.add(provider.id);
  }
  modelIndex = indexModels();
  catalogueVersion += 1;
  return clashes;
}

/** Whether the provider was declared over the API (and so may be replaced or removed there). */
export function declaredOverApi(id: string): boolean {
  return apiDeclared.has(id);
}

export function modelCatalogueVersion(): number {
  return catalogueVersion;
}

/**
 * What to do when a lookup misses: a provider declared over the API a moment ago on another
 * process may not have reached this one yet (each re-reads every two seconds), so the sync
 * re-reads at once and the lookup tries again.
 */
let onMiss: (() => Promise<void>) | undefined;
export function refreshOnMiss(refresh: (() => Promise<void>) | undefined): void {
  onMiss = refresh;
}

export function findModel(id: string): ModelEntry | undefined {
  return modelIndex.get(id);
}

/** `findModel`, re-reading the providers declared over the API once when it misses. */
export async function findModelFresh(id: string): Promise<ModelEntry | undefined> {
  const found = modelIndex.get(id);
  if (found || !onMiss) return found;
  await onMiss();
  return modelIndex.get(id);
}

/** The provider of that id, re-reading the providers declared over the API once when it misses. */
export async function findProviderFresh(id: string): Promise<Provider | undefined> {
  const own = () => (Object.hasOwn(providers, id) ? providers[id] : undefined);
  const found = own();
  if (found || !onMiss) return found;
  await onMiss();
  return own();
}

export function listModels(): ModelEntry[] {
  return [...modelIndex.values()];
}

export function modelsOfKind(kind: ModelKind): ModelEntry[] {
  return listModels().filter((entry) => entry.model.kinds.includes(kind));
}

export type ParametersOf<M extends ModelSpec> = z.infer<M['parameters']>;
