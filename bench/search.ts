import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openAndMigrate } from '../db/connect';
import { searchGenerations } from '../db/generation-search';
import type { NewGeneration } from '../db/schema';
import { documentTokens } from '../domain/search-tokens';
import { envNumber, figure, machine, printResult, saveResult, summary, type BenchResult, type Figure } from './lib';

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'sta', 'vor', 'quel', 'dri', 'ne', 'sol', 'tam', 'bri', 'xen', 'ul', 'pha', 'gor', 'li', 'ver', 'ost', 'cy'];

/** A Zipf-like vocabulary: a few words are everywhere, most are rare, as in real prompts. */
function vocabulary(rand: () => number) {
  const english = Array.from({ length: 20_000 }, () =>
    Array.from({ length: 2 + Math.floor(rand() * 3) }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join(''),
  );
  // Two-character words from the 3,000 most common CJK code points' range.
  const chinese = Array.from({ length: 20_000 }, () =>
    String.fromCodePoint(0x4e00 + Math.floor(rand() * 3000)) + String.fromCodePoint(0x4e00 + Math.floor(rand() * 3000)),
  );
  const zipf = (n: number) => Math.min(n - 1, Math.floor(Math.exp(rand() * Math.log(n))) - 1);
  return { english, chinese, zipf };
}

function prompt(rand: () => number, v: ReturnType<typeof vocabulary>): string {
  const zh = rand() < 0.4;
  const words = zh ? v.chinese : v.english;
  const n = 6 + Math.floor(rand() * 10);
  return Array.from({ length: n }, () => words[v.zipf(words.length)]!).join(zh ? '' : ' ');
}

/** Query words at different frequency ranks: common (rank 5), medium (50, 500), rare (5,000). */
function queries(v: ReturnType<typeof vocabulary>): string[] {
  return [5, 50, 500, 5_000].flatMap((rank) => [v.english[rank]!, v.chinese[rank]!]);
}

/**
 * Prompt search over N generated prompts (English and Chinese) through the same query the API
 * runs, against the same substring predicate evaluated by a sequential scan.
 */
export async function run(): Promise<BenchResult> {
  const rows = envNumber('BENCH_SEARCH_ROWS', 1_000_000);
  const home = mkdtempSync(join(tmpdir(), 'genflow-search-'));
  const handle = await openAndMigrate({ ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}), home });
  const db = handle.db;
  const figures: Figure[] = [];
  // Ids name the dataset, so a Postgres database that already holds it is reused (loading 1M rows
  // takes minutes); PGlite runs start from an empty temporary home every time.
  const dataset = `sb${rows}`;
  try {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const vocab = vocabulary(rand);
    const QUERIES = queries(vocab);
    const t0 = performance.now();
    const batch = 2_000;
    const { n: present } = await db.selectFrom('generations').select((e) => e.fn.countAll<string>().as('n'))
      .where('id', 'like', `${dataset}-%`).executeTakeFirstOrThrow();
    const reuse = Number(present) === rows;
    if (!reuse && Number(present) > 0) await db.deleteFrom('generations').where('id', 'like', `${dataset}-%`).execute();
    for (let i = 0; i < rows && !reuse; i += batch) {
      const values: NewGeneration[] = Array.from({ length: Math.min(batch, rows - i) }, (_, j) => {
        const p = prompt(rand, vocab);
        const id = `${dataset}-${i + j}`;
        return {
          id, workflow_id: `gen_${id}`, model: 'local/image', provider: 'local', kind: 'text-to-image', status: 'succeeded',
          prompt: p, search_tokens: documentTokens(p), parameters: '{}', input_images: '[]', number_of_outputs: 1,
          provider_task_id: null, error_code: null, error_message: null, error_details: null, idempotency_key: null,
          request_hash: '', started_at: null, completed_at: null,
          created_at: new Date(Date.UTC(2026, 0, 1) + (i + j) * 1000),
        };
      });
      await db.insertInto('generations').values(values).execute();
    }
    await sql`analyze generations`.execute(db);
    const loadSeconds = (performance.now() - t0) / 1000;

    const indexed: number[] = [];
    const scanned: number[] = [];
    for (let round = 0; round < 20; round++) {
      for (const q of QUERIES) {
        const a = performance.now();
        await searchGenerations(db, { q, limit: 20 });
        indexed.push(performance.now() - a);
      }
    }
    for (const q of QUERIES) {
      const a = performance.now();
      await db.selectFrom('generations').selectAll().where(sql<boolean>`strpos(lower(prompt), ${q}) > 0`)
        .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(20).execute();
      scanned.push(performance.now() - a);
    }
    const i = summary(indexed);
    const s = summary(scanned);
    figures.push(figure('search p50', 'ms', i.p50, 'sequential scan p50', s.p50));
    figures.push(figure('search p95', 'ms', i.p95, 'sequential scan p95', s.p95, '< 20 ms, ≥ 10× faster'));
    return {
      bench: 'search',
      machine: machine(),
      parameters: { rows, queries: 'words at frequency ranks 5, 50, 500, 5000 (English and two-character Chinese)', loadSeconds: reuse ? 'reused' : Math.round(loadSeconds), database: handle.kind },
      figures,
      notes: ['queries hit the repository function the API calls (GIN token index + substring recheck); the baseline evaluates the same substring predicate without the index'],
    };
  } finally {
    await handle.close();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  printResult(result);
  saveResult(result);
  process.exit(0);
}
