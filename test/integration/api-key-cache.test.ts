import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '../../api/auth';
import { createAccountsRepo } from '../../db/accounts-repo';
import type { DbHandle } from '../../db/connect';
import { openTestDatabase } from '../support/stack';

/**
 * Keys found by hash are remembered for a short time (db/accounts-repo.ts): a revoke clears them
 * in its own process at once; another process (another repo) refuses the key once its time is up.
 */
describe('API key lookups remembered briefly', () => {
  let home: string;
  let db: DbHandle;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'genflow-key-cache-'));
    db = await openTestDatabase(home);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('a revoke is seen at once by the revoking process and within the cache time by another', async () => {
    const { hash, prefix } = newApiKey();
    const id = randomUUID();
    const here = createAccountsRepo(db.db, { keyCacheMs: 400 });
    const elsewhere = createAccountsRepo(db.db, { keyCacheMs: 400 });
    await here.insertKey({ id, name: 'cached', keyHash: hash, keyPrefix: prefix, role: 'user', owner: 'o', budgetMicros: {} });
    expect((await here.findByHash(hash))?.revoked_at).toBeNull();
    expect((await elsewhere.findByHash(hash))?.revoked_at).toBeNull();

    await here.revokeKey(id);
    expect((await here.findByHash(hash))?.revoked_at).not.toBeNull();
    // The other process answers from memory until its entry's time is up, then reads the revoke.
    expect((await elsewhere.findByHash(hash))?.revoked_at).toBeNull();
    await new Promise((r) => setTimeout(r, 450));
    expect((await elsewhere.findByHash(hash))?.revoked_at).not.toBeNull();
  });
});
