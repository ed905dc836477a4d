import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/connect';
import { createGenerationsRepo, type GenerationsRepo } from '../../db/generations-repo';
import { openTestDatabase } from '../support/stack';

/**
 * The at-least-once bookkeeping of provider submits (db/generations-repo.ts beginSubmit): a
 * retried submit adopts a task already recorded, and a submit made while an earlier one's fate
 * is unknown is counted as a possible duplicate — the figure a metric exposes.
 */
describe('provider submit accounting', () => {
  let home: string;
  let db: DbHandle;
  let repo: GenerationsRepo;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'genflow-submits-'));
    db = await openTestDatabase(home);
    repo = createGenerationsRepo(db.db);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function newGeneration(): Promise<string> {
    const id = randomUUID();
    await repo.insert({
      id, workflow_id: `gen_${id}`, model: 'replicate/minimax/video-01', provider: 'replicate', kind: 'text-to-video', status: 'running',
      prompt: 'p', parameters: '{}', input_images: '[]', number_of_outputs: 1, provider_task_id: null, error_code: null,
      error_message: null, error_details: null, idempotency_key: null, request_hash: 'h', started_at: null, completed_at: null,
    });
    return id;
  }

  const counts = async (id: string) => {
    const row = await repo.findById(id);
    return { submissions: row?.provider_submissions, duplicates: row?.duplicate_submissions };
  };

  it('a submit that got a clear answer leaves nothing to count', async () => {
    const id = await newGeneration();
    expect(await repo.beginSubmit(id, 'replicate/minimax/video-01')).toEqual({});
    await repo.endSubmit(id);
    expect(await repo.beginSubmit(id, 'replicate/minimax/video-01')).toEqual({});
    expect(await counts(id)).toEqual({ submissions: 2, duplicates: 0 });
  });

  it('a submit after one whose worker died mid-call counts as a possible duplicate', async () => {
    const id = await newGeneration();
    await repo.beginSubmit(id, 'replicate/minimax/video-01');
    // No endSubmit, no task recorded: the process died while the provider had the request.
    await repo.beginSubmit(id, 'replicate/minimax/video-01');
    expect(await counts(id)).toEqual({ submissions: 2, duplicates: 1 });
  });

  it('a retry after the task id was recorded adopts it and submits nothing', async () => {
    const id = await newGeneration();
    await repo.beginSubmit(id, 'replicate/minimax/video-01');
    await repo.recordProviderTask(id, 'pred-1', 'replicate/minimax/video-01');
    expect(await repo.beginSubmit(id, 'replicate/minimax/video-01')).toEqual({ existingTaskId: 'pred-1' });
    expect(await counts(id)).toEqual({ submissions: 1, duplicates: 0 });
    // A fallback model is a new submission, not a duplicate, and is found by its own task.
    expect(await repo.beginSubmit(id, 'kie/veo3-fast')).toEqual({});
    await repo.recordProviderTask(id, 'kie-task-1', 'kie/veo3-fast');
    expect(await counts(id)).toEqual({ submissions: 2, duplicates: 0 });
    expect((await repo.findByProviderTask('kie', 'kie-task-1'))?.id).toBe(id);
    expect(await repo.findByProviderTask('replicate', 'kie-task-1')).toBeUndefined();
  });
});
