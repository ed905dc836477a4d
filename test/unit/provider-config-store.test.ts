import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/connect';
import { createProviderConfigsRepo } from '../../db/provider-configs-repo';
import { createProviderGateway } from '../../providers/provider-gateway';
import { createSecretBox } from '../../providers/secret-box';
import { openOwnTestDatabase } from '../support/stack';

describe('provider configs shared through the database', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-provider-config-'));
  let handle: DbHandle;
  beforeAll(async () => {
    // Its own database: a bfl config here would redirect other suites' bfl calls.
    handle = await openOwnTestDatabase(home);
  });
  afterAll(async () => {
    await handle.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("another process's runtime picks up a change within its refresh interval", async () => {
    const key = randomBytes(32);
    const api = createProviderConfigsRepo(handle.db, createSecretBox(key));
    const worker = createProviderGateway({ dataDir: home, env: {}, configs: createProviderConfigsRepo(handle.db, createSecretBox(key)), configRefreshMs: 0 });
    const before = (await worker.status()).find((p) => p.id === 'bfl')!;
    expect(before.configured).toBe(false);

    await api.put('bfl', { baseUrl: 'http://127.0.0.1:9/bfl', apiKeys: ['bfl-key-0123456789'] });
    const after = (await worker.status()).find((p) => p.id === 'bfl')!;
    expect(after).toMatchObject({ configured: true, baseUrl: 'http://127.0.0.1:9/bfl', source: { apiKeys: 'api' } });
    expect(after.keys).toHaveLength(1);
    expect(JSON.stringify(after)).not.toContain('bfl-key-0123456789');
  });

  it('keys sealed under another secret key are not used, and nothing else breaks', async () => {
    const other = createProviderConfigsRepo(handle.db, createSecretBox(randomBytes(32)));
    const config = await other.get('bfl');
    expect(config).toMatchObject({ providerId: 'bfl', baseUrl: 'http://127.0.0.1:9/bfl' });
    expect(config?.apiKeys).toBeUndefined();
  });

  it('without a secret key, storing keys is refused with a clear error', async () => {
    const noBox = createProviderConfigsRepo(handle.db, undefined);
    await expect(noBox.put('bfl', { apiKeys: ['bfl-key-0123456789'] })).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('GENFLOW_SECRET_KEY') as unknown });
  });
});
