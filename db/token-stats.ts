import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Element frequencies of `generations.search_tokens` from Postgres's own statistics (ANALYZE
 * keeps the most common array elements with their frequencies). Search uses them to send the
 * GIN index only the rarest few tokens of a query: a common trigram ("sol") has a posting list
 * of a large share of the table, and intersecting it costs more than the recheck it saves.
 */
export interface TokenStats {
  /** Share of rows holding the token (0–1). */
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
  // The frequencies list has three more entries than the elements (min, max, null share).
  const byToken = new Map(row.elems.map((e, i) => [e, row.freqs![i]!]));
  // Elements below the list's cut-off are rarer than its least frequent entry.
  const floor = Math.min(...byToken.values()) / 2;
  return { frequency: (token) => byToken.get(token) ?? floor };
}

const MAX_TOKENS = 10;
const CHEAP_FREQUENCY = 0.1;

/**
 * The `max` rarest tokens, plus every other token held by under 10% of rows (all of them
 * without statistics): necessary conditions, so any subset is exact after the recheck. Such a
 * token's posting list is cheap to intersect and may cut the candidates to recheck from
 * thousands to none ("xenphasol": 1,184 heap rechecks with its three rarest 5-grams, 0 with all
 * five); a token in half the rows costs more to intersect than it saves.
 */
export function rarestTokens(tokens: string[], stats: TokenStats | undefined, max = 3): string[] {
  if (!stats || tokens.length <= max) return tokens;
  const sorted = [...tokens].sort((a, b) => stats.frequency(a) - stats.frequency(b));
  // Capped, so a pasted paragraph does not become a hundred index lookups.
  return sorted.filter((t, i) => i < max || (i < MAX_TOKENS && stats.frequency(t) < CHEAP_FREQUENCY));
}
