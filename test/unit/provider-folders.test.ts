import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { providers } from '../../providers/registry';

// README "Adding a provider": a provider is its folder, its registry line, its fake, its tests
// and its README rows. This holds every registered provider to that one shape, so the next one
// has a complete example to copy and a reviewer a checklist that cannot drift.
const root = fileURLToPath(new URL('../../', import.meta.url));
const at = (path: string) => `${root}${path}`;
/** Built in (no network, no fake) or shared code, not a provider's folder. */
const NOT_WIRE_PROVIDERS = new Set(['local']);
const SHARED_FOLDERS = new Set(['core', 'custom']);

describe('every provider folder has the same shape', () => {
  const ids = Object.keys(providers).filter((id) => !NOT_WIRE_PROVIDERS.has(id));
  const readme = readFileSync(at('README.md'), 'utf8');

  it.each(ids)('%s: index, models, api, adapter and wire-fields files; a fake; contract and end-to-end tests', (id) => {
    const missing = [
      ...['index.ts', 'models.ts', 'api.ts', 'adapter.ts', 'wire-fields.ts'].map((f) => `providers/${id}/${f}`),
      `test/fakes/${id}.ts`,
      `test/contract/${id}.test.ts`,
      `test/integration/providers-${id}.test.ts`,
    ].filter((path) => !existsSync(at(path)));
    expect(missing).toEqual([]);
  });

  it.each(ids)('%s: every model has a README row', (id) => {
    const unlisted = providers[id]!.models.map((m) => m.id).filter((model) => !readme.includes(`\`${model}\``));
    expect(unlisted).toEqual([]);
  });

  it('every folder under providers/ is a registered provider or shared code', () => {
    const folders = readdirSync(at('providers')).filter((f) => statSync(at(`providers/${f}`)).isDirectory());
    expect(folders.filter((f) => !(f in providers) && !SHARED_FOLDERS.has(f))).toEqual([]);
  });
});
