import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAndMigrate } from '../../db/connect';
import { temporalAddress } from '../support/stack';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';

/**
 * `npm start` without GENFLOW_ADMIN_API_KEY: the first start creates an admin key and prints
 * it once; the key works; the database holds only its hash; the next start prints none.
 */
describe.skipIf(!temporalAddress)('the embedded admin key', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-firstkey-'));
  // Empty values leave them unset, as on a first `npm start`: no admin key, PGlite in `home`.
  const env = { TEMPORAL_ADDRESS: temporalAddress ?? '', GENFLOW_HOME: home, GENFLOW_TASK_QUEUE: `firstkey-${randomUUID()}`, GENFLOW_ADMIN_API_KEY: '', DATABASE_URL: '' };
  let current: DevProcess | undefined;

  afterAll(async () => {
    if (current) await kill(current.child, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  });

  it('is created and printed on the first start only, and only its hash is stored', async () => {
    current = await startDevProcess(env, 200_000);
    await expect.poll(() => /admin API key (gf_\S+)/.exec(current!.output())?.[1]).toBeDefined();
    const key = /admin API key (gf_\S+)/.exec(current.output())![1]!;
    const list = await fetch(`${current.baseUrl}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(list.status).toBe(200);
    expect((await fetch(`${current.baseUrl}/v1/api-keys`)).status).toBe(401);
    await kill(current.child, 'SIGTERM');

    current = await startDevProcess(env, 200_000);
    expect(current.output()).not.toContain('admin API key');
    expect((await fetch(`${current.baseUrl}/v1/api-keys`, { headers: { 'x-api-key': key } })).status).toBe(200);
    await kill(current.child, 'SIGTERM');
    current = undefined;

    // PGlite keeps its data in the home folder: the key is not in it, its hash is.
    const db = await openAndMigrate({ home: join(home) });
    try {
      const rows = await db.db.selectFrom('api_keys').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(key);
      expect(rows[0]).toMatchObject({ role: 'admin', key_prefix: key.slice(0, 7) });
    } finally {
      await db.close();
    }
  }, 480_000);
});
