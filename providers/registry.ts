import type { z } from 'zod';
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
import { createModelCatalogue, type ModelCatalogue, type ModelEntry } from './catalogue';
import { vertexProvider } from './vertex';
import type { ModelSpec, Provider } from './types';

/** The one place a built-in provider is registered. */
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

export type { ModelEntry };

/**
 * The built-in providers alone: for what needs no settings (docs, tests of the model tables).
 * A process serves `catalogueWith(custom)`, built once in bootstrap/ and injected.
 */
export const builtInCatalogue: ModelCatalogue = createModelCatalogue(providers);

/** The built-in providers plus the custom ones a user declared (GENFLOW_CUSTOM_PROVIDERS). */
export function catalogueWith(custom: readonly Provider[]): ModelCatalogue {
  return createModelCatalogue(providers, custom);
}

export type ParametersOf<M extends ModelSpec> = z.infer<M['parameters']>;
