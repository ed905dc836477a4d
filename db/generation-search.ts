import { sql, type Kysely } from 'kysely';
import { queryTokens } from '../domain/search-tokens';
import type { Database, GenerationRow } from './schema';
import { rarestTokens, tokenStats } from './token-stats';

export interface GenerationFilter {
  q?: string;
  status?: string;
  model?: string;
  provider?: string;
  kind?: string;
  experimentId?: string;
  from?: Date;
  to?: Date;
  metadata?: Record<string, string>;
  /** Only this owner's generations (a user key's list). */
  owner?: string;
  cursor?: { createdAt: Date; id: string };
  limit: number;
}

export function encodeCursor(row: Pick<GenerationRow, 'created_at' | 'id'>): string {
  return Buffer.from(`${new Date(row.created_at).toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  return id && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : undefined;
}

/** Rows the newest-first walk reads before it gives up and asks the token index instead. */
const RECENT_WINDOW = 2_000;

/**
 * Newest first, keyset-paginated on (created_at, id). A prompt filter runs in two steps, because
 * no single plan is fast for both kinds of query and the planner cannot tell them apart (its
 * estimate for several array tokens assumes independence and is off by 10,000×; see README,
 * Performance):
 * 1. A common substring: walk the newest rows in index order and check the substring; when the
 *    window holds a full page of matches, they are exactly the newest ones.
 * 2. A rare substring: the GIN token index (only the rarest tokens, see token-stats.ts) gives
 *    candidates, which are rechecked and sorted; few matches means little to sort.
 */
export async function searchGenerations(db: Kysely<Database>, f: GenerationFilter): Promise<{ rows: GenerationRow[]; next?: string }> {
  if (!f.q) return page(await filtered(db, f).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute(), f.limit);
  const needle = f.q.toLowerCase();
  const matches = sql<boolean>`strpos(lower(prompt), ${needle}) > 0`;

  const recent = filtered(db, f).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(RECENT_WINDOW);
  const fromWindow = await db
    .selectFrom(recent.as('recent'))
    .selectAll()
    .where(matches)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  if (fromWindow.length > f.limit) return page(fromWindow, f.limit);

  let query = filtered(db, f).where(matches);
  const tokens = rarestTokens(queryTokens(f.q), await tokenStats(db));
  if (tokens.length) query = query.where('search_tokens', '@>', sql<string[]>`${sql.val(tokens)}::text[]`);
  // `+ interval '0'` hides the created_at index from this query, so the planner cannot pick the
  // newest-first walk step 1 has just shown to be slow here.
  const rows = await query
    .orderBy(sql`created_at + interval '0 seconds'`, 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  return page(rows, f.limit);
}

function filtered(db: Kysely<Database>, f: GenerationFilter) {
  let query = db.selectFrom('generations').selectAll();
  if (f.status) query = query.where('status', '=', f.status);
  if (f.model) query = query.where('model', '=', f.model);
  if (f.provider) query = query.where('provider', '=', f.provider);
  if (f.kind) query = query.where('kind', '=', f.kind);
  if (f.experimentId) query = query.where('experiment_id', '=', f.experimentId);
  if (f.owner !== undefined) query = query.where('owner', '=', f.owner);
  if (f.from) query = query.where('created_at', '>=', f.from);
  if (f.to) query = query.where('created_at', '<', f.to);
  for (const [key, value] of Object.entries(f.metadata ?? {})) {
    // Query strings are text; a number stored as a number must match too.
    const asText = JSON.stringify({ [key]: value });
    const asNumber = /^-?\d+(\.\d+)?$/.test(value) ? JSON.stringify({ [key]: Number(value) }) : asText;
    query = query.where(sql<boolean>`(metadata @> ${asText}::jsonb or metadata @> ${asNumber}::jsonb)`);
  }
  if (f.cursor) {
    const { createdAt, id } = f.cursor;
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}, ${id})`);
  }
  return query;
}

function page(rows: GenerationRow[], limit: number): { rows: GenerationRow[]; next?: string } {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return rows.length > limit && last ? { rows: shown, next: encodeCursor(last) } : { rows: shown };
}
