import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../db/migrate';

// Migrations are imported by hand (see db/migrate.ts): a file that is written but not listed
// would silently never run, and one listed out of order makes the history hard to read.
describe('db/migrate.ts migration list', () => {
  const folder = fileURLToPath(new URL('../../db/migrations/', import.meta.url));
  const files = readdirSync(folder).filter((f) => /^\d{4}-.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();

  it('lists every migration file, and only those', () => {
    expect(Object.keys(migrations).sort()).toEqual(files);
  });

  it('lists them in numeric order with no number used twice', () => {
    const names = Object.keys(migrations);
    expect(names).toEqual([...names].sort());
    const numbers = names.map((n) => n.slice(0, 4));
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
