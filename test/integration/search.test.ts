import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import { apiFetch, postJson, startStack, temporalAddress, type Stack } from '../support/stack';

interface Page {
  data: GenerationView[];
  nextCursor: string | null;
}

describe.skipIf(!temporalAddress)('searching and listing generations', () => {
  let stack: Stack;
  // Every row of this suite carries the run id, so a shared database can't leak into results.
  const run = randomUUID();
  const prompts = [
    'a red fox in the snow',
    'A FOX cub sleeping',
    '一只红色的狐狸站在雪地里',
    '雪山上的日出',
    'neon city at night 霓虹灯',
  ];

  const list = async (query: string): Promise<Page> => {
    const res = await apiFetch(`${stack.baseUrl}/v1/generations?metadata.run=${run}&${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  };

  beforeAll(async () => {
    stack = await startStack();
    for (const [i, prompt] of prompts.entries()) {
      const res = await postJson(`${stack.baseUrl}/v1/generations`, {
        model: 'local/image',
        prompt,
        parameters: { width: 64, height: 64 },
        metadata: { run, shotId: `shot-${i % 2}`, index: i },
      });
      expect(res.status).toBe(202);
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('finds English substrings case-insensitively', async () => {
    const page = await list('q=fox');
    expect(page.data.map((g) => g.prompt).sort()).toEqual(['A FOX cub sleeping', 'a red fox in the snow']);
    expect((await list('q=ox%20cu')).data.map((g) => g.prompt)).toEqual(['A FOX cub sleeping']);
  });

  it('finds two-character and one-character Chinese words', async () => {
    expect((await list(`q=${encodeURIComponent('狐狸')}`)).data.map((g) => g.prompt)).toEqual(['一只红色的狐狸站在雪地里']);
    expect((await list(`q=${encodeURIComponent('雪')}`)).data.map((g) => g.prompt).sort()).toEqual(['一只红色的狐狸站在雪地里', '雪山上的日出'].sort());
    expect((await list(`q=${encodeURIComponent('霓虹')}`)).data).toHaveLength(1);
    expect((await list(`q=${encodeURIComponent('猫咪')}`)).data).toHaveLength(0);
  });

  it('pages newest first with cursors, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((g) => g.prompt));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...prompts].reverse());
  });

  it('pages rows made within one millisecond without gaps (cursors carry milliseconds)', async () => {
    // Postgres' now() has microseconds; a cursor in milliseconds used to skip the rows between.
    await sql`update generations set created_at = timestamptz '2026-01-01T00:00:00.123001Z' + (metadata->>'index')::int * interval '100 microseconds'
              where metadata->>'run' = ${run}`.execute(stack.db.db);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((g) => g.prompt));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...prompts].sort());
  });

  it('filters by metadata, model and status, and returns the metadata', async () => {
    const shot = await list('metadata.shotId=shot-0');
    expect(shot.data).toHaveLength(3);
    expect(shot.data[0]?.metadata).toMatchObject({ run, shotId: 'shot-0' });
    expect((await list('metadata.index=4')).data.map((g) => g.prompt)).toEqual(['neon city at night 霓虹灯']);
    expect((await list('model=local/speech')).data).toHaveLength(0);
  });

  it('rejects unknown filters and bad cursors with clear errors', async () => {
    for (const query of ['color=red', 'cursor=zzz', 'limit=1000', 'status=done']) {
      const res = await apiFetch(`${stack.baseUrl}/v1/generations?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    }
  });

  it('rejects oversized metadata', async () => {
    const res = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'x', metadata: { 'bad key!': 1 } });
    expect(res.status).toBe(400);
  });
});
