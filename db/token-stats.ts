import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Element frequencies of `generations.search_tokens` from Postgres's own statistics (ANALYZE
 * keeps the most common array elements with their frequencies). Search uses them to send the
 * GIN index only the rarest few tokens of a query: a common trigram ("sol") has a posting list
 * of a large share of the table, and intersecting it costs more than the recheck it saves.
 */
export interface TokenStats {
  frequency(token: string): number;
}

const TTL_MS = 10 * 60_000;
const cache = new WeakMap<Kysely<Database>, { at: number; stats: Promise<TokenStats | undefined> }>();

export function tokenStats(db: Kysely<Database>): Promise<TokenStats | undefined> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.stats;
  const stats = load(db).catch(() => undefined);
  cache.set(db, { at: Date.now(), stats });
  return stats;
}

async function load(db: Kysely<Database>): Promise<TokenStats | undefined> {
  const { rows } = await sql<{ elems: string[] | null; freqs: number[] | null }>`
    select most_common_elems::text::text[] as elems, most_common_elem_freqs as freqs
    from pg_stats where tablename = 'generations' and attname = 'search_tokens'`.execute(db);
  const row = rows[0];
  if (!row?.elems || !row.freqs) return undefined;
  const byToken = new Map(row.elems.map((e, i) => [e, row.freqs![i]!]));
  // Elements below the list's cut-off are rarer than its least frequent entry.
  const floor = Math.min(...row.elems.map((_, i) => row.freqs![i]!)) / 2;
  return { frequency: (token) => byToken.get(token) ?? floor };
}

/** The `max` rarest tokens (all of them without statistics): necessary conditions, so any subset is exact after the recheck. */
export function rarestTokens(tokens: string[], stats: TokenStats | undefined, max = 3): string[] {
  if (!stats || tokens.length <= max) return tokens;
  return [...tokens].sort((a, b) => stats.frequency(a) - stats.frequency(b)).slice(0, max);
}
