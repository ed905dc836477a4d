import type { z } from 'zod';
import type { ModelKind } from '../domain/models';
import { bflProvider } from './bfl';
import { elevenlabsProvider } from './elevenlabs';
import { googleProvider } from './google';
import { kieProvider } from './kie';
import { localProvider } from './local';
import { openaiProvider } from './openai';
import { replicateProvider } from './replicate';
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
};

export interface ModelEntry {
  provider: Provider;
  model: ModelSpec;
}

const modelIndex = new Map<string, ModelEntry>(
  Object.values(providers).flatMap((provider) => provider.models.map((model) => [model.id, { provider, model }] as const)),
);

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
