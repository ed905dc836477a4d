import { afterEach, describe, expect, it } from 'vitest';
import { createApiProviderSync, type CustomProviderSource } from '../../providers/custom/api-sync';
import { catalogueWith } from '../../providers/registry';

const declaration = (model = 'image') => ({
  baseUrl: 'https://media.example/v1',
  models: [{ id: model, kinds: ['text-to-image'], submit: { path: '/images', body: { prompt: '{{prompt}}' } }, outputs: { urls: '$.data[*].url' } }],
});

/** Rows as the database holds them; a test changes them as another process's PUT would. */
function source(): CustomProviderSource & { rows: Array<{ id: string; declaration: unknown; version: number }>; reads: number } {
  const s = {
    rows: [] as Array<{ id: string; declaration: unknown; version: number }>,
    reads: 0,
    async list() {
      s.reads += 1;
      return s.rows.map((r) => ({ ...r }));
    },
  };
  return s;
}

const warnings: unknown[] = [];
const logger = { warn: (obj: unknown) => void warnings.push(obj), info: () => undefined };

describe('providers declared over the API, kept in step in each process', () => {
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    warnings.length = 0;
  });

  it('a lookup that misses re-reads at once: a provider declared on another process a moment ago is found without waiting for the interval', async () => {
    const rows = source();
    // The process's catalogue (built-in + file providers), which the sync keeps in step.
    const catalogue = catalogueWith([]);
    const { findModel, findModelFresh, findProviderFresh } = catalogue;
    const sync = createApiProviderSync({ source: rows, catalogue, logger, intervalMs: 60_000, missGapMs: 0 });
    stop = () => sync.stop();
    await sync.start();
    expect(findModel('sync-a/image')).toBeUndefined();

    rows.rows.push({ id: 'sync-a', declaration: declaration(), version: 1 });
    expect(findModel('sync-a/image')).toBeUndefined();
    expect((await findModelFresh('sync-a/image'))?.provider.id).toBe('sync-a');
    expect((await findProviderFresh('sync-a'))?.custom).toBe(true);

    // Replaced (version 2, another model) and then deleted, as the API's PUT and DELETE do.
    rows.rows[0] = { id: 'sync-a', declaration: declaration('video'), version: 2 };
    await sync.refresh();
    expect(findModel('sync-a/image')).toBeUndefined();
    expect(findModel('sync-a/video')).toBeDefined();
    rows.rows = [];
    await sync.refresh();
    expect(Object.hasOwn(catalogue.providers, 'sync-a')).toBe(false);
  });

  it('skips, with a warning naming it, a stored declaration that no longer validates or whose id a built-in provider has; the others load', async () => {
    const rows = source();
    // The process's catalogue (built-in + file providers), which the sync keeps in step.
    const catalogue = catalogueWith([]);
    const { findModel } = catalogue;
    rows.rows.push(
      { id: 'sync-bad', declaration: { ...declaration(), baseUrl: 'not a url' }, version: 1 },
      { id: 'openai', declaration: declaration(), version: 1 },
      { id: 'sync-good', declaration: declaration(), version: 1 },
    );
    const sync = createApiProviderSync({ source: rows, catalogue, logger, intervalMs: 60_000 });
    stop = () => sync.stop();
    await sync.start();
    expect(findModel('sync-good/image')).toBeDefined();
    expect(findModel('sync-bad/image')).toBeUndefined();
    expect(catalogue.providers.openai?.custom).toBeFalsy();
    expect(warnings).toEqual(expect.arrayContaining([expect.objectContaining({ provider: 'sync-bad' }), expect.objectContaining({ provider: 'openai' })]));
  });

  it('unchanged versions are not rebuilt, and misses re-read at most once per gap', async () => {
    const rows = source();
    // The process's catalogue (built-in + file providers), which the sync keeps in step.
    const catalogue = catalogueWith([]);
    const { findModelFresh } = catalogue;
    const sync = createApiProviderSync({ source: rows, catalogue, logger, intervalMs: 60_000, missGapMs: 60_000 });
    stop = () => sync.stop();
    await sync.start();
    const reads = rows.reads;
    await findModelFresh('sync-none/image');
    await findModelFresh('sync-none/image');
    expect(rows.reads).toBe(reads);
  });
});
