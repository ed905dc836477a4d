import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/connect';
import { decodeCursor, searchGenerations } from '../../db/generation-search';
import type { NewGeneration } from '../../db/schema';
import * as fiveGrams from '../../db/migrations/0011-search-five-grams';
import { documentTokens } from '../../domain/search-tokens';
import { openTestDatabase } from '../support/stack';

/**
 * Prompt search answers a dense word from the newest rows and a sparse one from the token
 * index: both must give exactly what a plain substring filter gives, page after page.
 */
describe('prompt search strategies agree with a plain substring filter', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-search-strategy-'));
  const run = randomUUID();
  const ROWS = 3_000;
  let handle: DbHandle;
  const prompts: { id: string; prompt: string; createdAt: Date }[] = [];

  beforeAll(async () => {
    handle = await openTestDatabase(home);
    for (let i = 0; i < ROWS; i++) {
      const words = [`frame ${i}`];
      if (i % 3 === 0) words.push('amber light');
      if (i % 450 === 7) words.push('a zircon tower');
      if (i === 11 || i === 1_200 || i === 2_100) words.push('雪山日出');
      prompts.push({ id: `${run}-${String(i).padStart(5, '0')}`, prompt: words.join(', '), createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000) });
    }
    for (let i = 0; i < ROWS; i += 500) {
      const values: NewGeneration[] = prompts.slice(i, i + 500).map((p) => ({
        id: p.id, workflow_id: `gen_${p.id}`, model: 'local/image', provider: 'local', kind: 'text-to-image', status: 'succeeded',
        prompt: p.prompt, search_tokens: documentTokens(p.prompt), parameters: '{}', input_images: '[]', number_of_outputs: 1,
        provider_task_id: null, error_code: null, error_message: null, error_details: null, idempotency_key: null,
        request_hash: '', started_at: null, completed_at: null, created_at: p.createdAt, metadata: JSON.stringify({ run }),
      }));
      await handle.db.insertInto('generations').values(values).execute();
    }
    // Statistics let the search pick the rarest tokens, as on a long-running database.
    await sql`analyze generations`.execute(handle.db);
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const expected = (q: string) =>
    prompts
      .filter((p) => p.prompt.toLowerCase().includes(q.toLowerCase()))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((p) => p.id);

  async function allPages(q: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await searchGenerations(handle.db, { q, metadata: { run }, limit: 25, ...(cursor ? { cursor: decodeCursor(cursor)! } : {}) });
      ids.push(...page.rows.map((r) => r.id));
      if (!page.next) return ids;
      cursor = page.next;
    }
    throw new Error('paging did not end');
  }

  it.each([
    ['a word in every third prompt', 'Amber'],
    ['a word in seven prompts', 'zircon tow'],
    ['a long word in seven prompts (5-grams)', 'zircon'],
    ['a two-character Chinese word in three old prompts', '雪山'],
    ['a word in no prompt', 'obsidian'],
    ['a fragment shorter than a trigram', 'zi'],
  ])('%s', async (_label, q) => {
    const want = expected(q);
    const got = await allPages(q);
    expect(got).toEqual(want);
  }, 60_000);

  it('migration 0011 re-tokenises rows indexed before 5-grams, so a long word still finds them', async () => {
    const id = `${run}-old`;
    const prompt = 'an old zirconium spire';
    // As the row was written before 0011: trigrams and short words, no 5-grams.
    const before = documentTokens(prompt).filter((t) => !/^[a-z0-9]{5}$/.test(t));
    await handle.db.insertInto('generations').values({
      id, workflow_id: `gen_${id}`, model: 'local/image', provider: 'local', kind: 'text-to-image', status: 'succeeded',
      prompt, search_tokens: before, parameters: '{}', input_images: '[]', number_of_outputs: 1,
      provider_task_id: null, error_code: null, error_message: null, error_details: null, idempotency_key: null,
      request_hash: '', started_at: null, completed_at: null, created_at: new Date(Date.UTC(2024, 0, 1)), metadata: JSON.stringify({ run }),
    }).execute();
    expect(await allPages('zirconium')).toEqual([]);
    await fiveGrams.up(handle.db as never);
    expect(await allPages('zirconium')).toEqual([id]);
  }, 120_000);
});
