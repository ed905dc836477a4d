import type { ModelKind } from '../domain/models';
import type { ModelSpec, Provider } from './types';

export interface ModelEntry {
  provider: Provider;
  model: ModelSpec;
}

/**
 * The providers and models a process serves: the built-in ones, those declared in the
 * GENFLOW_CUSTOM_PROVIDERS file, and those declared over the API (`/v1/custom-providers`, kept
 * in step by providers/custom/api-sync.ts). One value per process, built at start (bootstrap/)
 * and handed to the API and the activities as a dependency — never a module global.
 */
export interface ModelCatalogue {
  /** Every provider by id, as of now. */
  readonly providers: Readonly<Record<string, Provider>>;
  // Function properties, not methods: they use no `this`, so they may be passed around alone.
  readonly findModel: (id: string) => ModelEntry | undefined;
  /** `findModel`, re-reading the providers declared over the API once when it misses. */
  readonly findModelFresh: (id: string) => Promise<ModelEntry | undefined>;
  /** The provider of that id, re-reading the providers declared over the API once when it misses. */
  readonly findProviderFresh: (id: string) => Promise<Provider | undefined>;
  readonly listModels: () => ModelEntry[];
  readonly modelsOfKind: (kind: ModelKind) => ModelEntry[];
  /**
   * Replaces the providers declared over the API with `list`. A declaration whose id is taken by
   * a built-in or file-declared provider is skipped (the API refuses those ids; one could only
   * appear if the file gained it later); the skipped ids are returned.
   */
  readonly setApiProviders: (list: readonly Provider[]) => string[];
  /** Whether the provider was declared over the API (and so may be replaced or removed there). */
  readonly declaredOverApi: (id: string) => boolean;
  /** Goes up whenever the providers change, so caches built from them know to rebuild. */
  readonly version: () => number;
  /**
   * What to do when a lookup misses: a provider declared over the API a moment ago on another
   * process may not have reached this one yet (each re-reads every two seconds), so the sync
   * re-reads at once and the lookup tries again.
   */
  readonly refreshOnMiss: (refresh: (() => Promise<void>) | undefined) => void;
}

/** Declaring a file provider again replaces the earlier declaration; a built-in one cannot be shadowed. */
export function createModelCatalogue(builtIn: Readonly<Record<string, Provider>>, custom: readonly Provider[] = []): ModelCatalogue {
  const fixed: Record<string, Provider> = { ...builtIn };
  for (const provider of custom) {
    const existing = Object.hasOwn(fixed, provider.id) ? fixed[provider.id] : undefined;
    if (existing && !existing.custom) throw new Error(`custom provider '${provider.id}' would replace the built-in provider of that id`);
    fixed[provider.id] = provider;
  }
  let all: Readonly<Record<string, Provider>> = Object.freeze({ ...fixed });
  let index = new Map<string, ModelEntry>();
  let version = 0;
  const apiDeclared = new Set<string>();
  let onMiss: (() => Promise<void>) | undefined;

  function reindex(next: Record<string, Provider>): void {
    all = Object.freeze(next);
    index = new Map(Object.values(all).flatMap((provider) => provider.models.map((model) => [model.id, { provider, model }] as const)));
    version += 1;
  }
  reindex({ ...fixed });
  const own = (id: string) => (Object.hasOwn(all, id) ? all[id] : undefined);
  const listModels = () => [...index.values()];

  return {
    get providers() {
      return all;
    },
    findModel: (id) => index.get(id),
    async findModelFresh(id) {
      const found = index.get(id);
      if (found || !onMiss) return found;
      await onMiss();
      return index.get(id);
    },
    async findProviderFresh(id) {
      const found = own(id);
      if (found || !onMiss) return found;
      await onMiss();
      return own(id);
    },
    listModels,
    modelsOfKind: (kind) => listModels().filter((entry) => entry.model.kinds.includes(kind)),
    setApiProviders(list) {
      const next: Record<string, Provider> = { ...fixed };
      apiDeclared.clear();
      const clashes: string[] = [];
      for (const provider of list) {
        if (Object.hasOwn(next, provider.id)) {
          clashes.push(provider.id);
          continue;
        }
        next[provider.id] = provider;
        apiDeclared.add(provider.id);
      }
      reindex(next);
      return clashes;
    },
    declaredOverApi: (id) => apiDeclared.has(id),
    version: () => version,
    refreshOnMiss(refresh) {
      onMiss = refresh;
    },
  };
}
