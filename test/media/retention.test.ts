import { randomUUID } from 'node:crypto';
import { builtInCatalogue } from '../../providers/registry';
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaActivities } from '../../activities/media-activities';
import type { DbHandle } from '../../db/connect';
import { createGenerationsRepo } from '../../db/generations-repo';
import { LocalDiskStorage } from '../../media/storage/local-disk';
import { openTestDatabase, testLogger } from '../support/stack';

const DAY = 86_400_000;

/** The sweep activities against a real database and real files (the workflow test drives the loop). */
describe('media retention sweep', () => {
  let home: string;
  let db: DbHandle;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'genflow-retention-'));
    db = await openTestDatabase(home);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function generationWithOutput(storage: LocalDiskStorage, ageDays: number): Promise<{ id: string; key: string }> {
    const repo = createGenerationsRepo(db.db);
    const id = randomUUID();
    await repo.insert({
      id, workflow_id: `gen_${id}`, model: 'local/image', provider: 'local', kind: 'text-to-image', status: 'succeeded', prompt: 'p',
      parameters: '{}', input_images: '[]', number_of_outputs: 1, provider_task_id: null, error_code: null, error_message: null,
      error_details: null, idempotency_key: null, request_hash: 'h', started_at: null, completed_at: null,
    });
    const key = `generations/${id}/0.png`;
    const put = await storage.put(key, Buffer.from(`png of ${id}`), 'image/png');
    await storage.put(`inputs/${id}/0.jpg`, Buffer.from('input'), 'image/jpeg');
    await storage.put(`uploads/${id}/0`, Buffer.from('upload'), 'image/jpeg');
    await repo.upsertAsset(id, { id: randomUUID(), index: 0, storageKey: key, contentType: 'image/png', ...put });
    const created = new Date(Date.now() - ageDays * DAY);
    await db.db.updateTable('assets').set({ created_at: created }).where('generation_id', '=', id).execute();
    return { id, key };
  }

  it('deletes expired assets (objects, rows, prepared inputs) in batches and keeps recent ones', async () => {
    const storage = new LocalDiskStorage(join(home, 'media-a'));
    const media = join(home, 'media-a');
    const acts = createMediaActivities({ repo: createGenerationsRepo(db.db), storage, logger: testLogger, catalogue: builtInCatalogue });
    const old = [await generationWithOutput(storage, 40), await generationWithOutput(storage, 35), await generationWithOutput(storage, 31)];
    const recent = await generationWithOutput(storage, 2);
    const cutoff = new Date(Date.now() - 30 * DAY).toISOString();

    expect(await acts.sweepExpiredAssets(cutoff, 2)).toEqual({ assets: 2, generations: 2, files: 0 });
    expect(await acts.sweepExpiredAssets(cutoff, 2)).toEqual({ assets: 1, generations: 1, files: 0 });
    expect(await acts.sweepExpiredAssets(cutoff, 2)).toEqual({ assets: 0, generations: 0, files: 0 });
    for (const g of old) {
      expect(existsSync(join(media, g.key))).toBe(false);
      expect(existsSync(join(media, 'inputs', g.id))).toBe(false);
      expect(existsSync(join(media, 'uploads', g.id))).toBe(false);
    }
    expect(existsSync(join(media, recent.key))).toBe(true);
    expect(existsSync(join(media, 'uploads', recent.id, '0'))).toBe(true);
    const rows = await sql<{ n: number }>`select count(*)::int as n from assets where generation_id in (${sql.join([...old.map((g) => g.id), recent.id])})`.execute(db.db);
    expect(rows.rows[0]?.n).toBe(1);
  });

  it('removes other local files older than the cutoff, and the folders they leave empty', async () => {
    const storage = new LocalDiskStorage(join(home, 'media-b'));
    const acts = createMediaActivities({ repo: createGenerationsRepo(db.db), storage, logger: testLogger, catalogue: builtInCatalogue });
    await storage.put('generations/orphan/0.png', Buffer.from('left behind'), 'image/png');
    await storage.put('generations/fresh/0.png', Buffer.from('new'), 'image/png');
    const old = new Date(Date.now() - 10 * DAY);
    utimesSync(join(home, 'media-b', 'generations/orphan/0.png'), old, old);
    expect(await acts.sweepOldFiles(new Date(Date.now() - 7 * DAY).toISOString())).toBe(1);
    expect(existsSync(join(home, 'media-b', 'generations/orphan'))).toBe(false);
    expect(existsSync(join(home, 'media-b', 'generations/fresh/0.png'))).toBe(true);
  });
});
