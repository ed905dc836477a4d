import { describe, expect, it } from 'vitest';
import { PREPROCESS_PRESETS } from '../../media/preprocess-presets';
import { builtInCatalogue } from '../../providers/registry';

// The model tables are the built-in providers' (custom ones join a process's catalogue at start).
const { listModels } = builtInCatalogue;

const presetOf = (id: string) => listModels().find((e) => e.model.id === id)?.model.preprocess;

describe('preprocessing presets are attached to the models they were made for', () => {
  it('every provider-specific preset is declared by at least one model that takes input images', () => {
    const used = new Set(listModels().filter((e) => e.model.inputImages.max > 0).map((e) => e.model.preprocess ?? 'standard'));
    const specific = Object.keys(PREPROCESS_PRESETS).filter((name) => name.endsWith('-optimized'));
    expect(specific.length).toBeGreaterThanOrEqual(2);
    expect(specific.filter((name) => !used.has(name as keyof typeof PREPROCESS_PRESETS))).toEqual([]);
  });

  it('Pollo models get pollo-optimized (1080p JPEG by URL, at most 5 MB); Flux image models get flux-optimized', () => {
    expect([presetOf('pollo/veo3'), presetOf('pollo/kling-v2.1')]).toEqual(['pollo-optimized', 'pollo-optimized']);
    const flux = ['bfl/flux-pro-1.1', 'bfl/flux-pro-1.1-ultra', 'bfl/flux-dev', 'bfl/flux-kontext-pro', 'bfl/flux-kontext-max', 'replicate/black-forest-labs/flux-1.1-pro', 'kie/flux-kontext-pro', 'kie/flux-kontext-max'];
    expect(flux.map(presetOf)).toEqual(flux.map(() => 'flux-optimized'));
  });
});
