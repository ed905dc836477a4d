import type { ModelKind } from '../domain/models';
import type { ModelSpec, Provider } from './types';

export interface ModelEntry {
  provider: Provider;
  model: ModelSpec;
}

/**
 * The providers and models a process serves: the built-in ones plus those declared in the
 * GENFLOW_CUSTOM_PROVIDERS file. Built once at start (bootstrap/) and handed to the API and the
 * activities as a dependency, so no lookup depends on what was registered before it ran.
 */
export interface ModelCatalogue {
  /** Every provider by id. */
  readonly providers: Readonly<Record<string, Provider>>;
  // Function properties, not methods: they use no `this`, so they may be passed around alone.
  readonly findModel: (id: string) => ModelEntry | undefined;
  readonly listModels: () => ModelEntry[];
  readonly modelsOfKind: (kind: ModelKind) => ModelEntry[];
}

/** Declaring a custom provider again replaces the earlier declaration; a built-in one cannot be shadowed. */
export function createModelCatalogue(builtIn: Readonly<Record<string, Provider>>, custom: readonly Provider[] = []): ModelCatalogue {
  const all: Record<string, Provider> = { ...builtIn };
  for (const provider of custom) {
    const existing = Object.hasOwn(all, provider.id) ? all[provider.id] : undefined;
    if (existing && !existing.custom) throw new Error(`custom provider '${provider.id}' would replace the built-in provider of that id`);
    all[provider.id] = provider;
  }
  const index = new Map(Object.values(all).flatMap((provider) => provider.models.map((model) => [model.id, { provider, model }] as const)));
  const entries = [...index.values()];
  return {
    providers: Object.freeze(all),
    findModel: (id) => index.get(id),
    listModels: () => [...entries],
    modelsOfKind: (kind) => entries.filter((entry) => entry.model.kinds.includes(kind)),
  };
}
