import { sql, type Kysely } from 'kysely';
import { queryTokens } from '../domain/search-tokens';
import type { Database, GenerationRow } from './schema';

export interface GenerationFilter {
  q?: string;
  status?: string;
  model?: string;
  provider?: string;
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

/**
 * Newest first, keyset-paginated on (created_at, id). The prompt filter narrows by the GIN
 * token index, then checks the real substring, so the answer is exact.
 */
export async function searchGenerations(db: Kysely<Database>, f: GenerationFilter): Promise<{ rows: GenerationRow[]; next?: string }> {
  let query = db.selectFrom('generations').selectAll();
  if (f.q) {
    const tokens = queryTokens(f.q);
    if (tokens.length) query = query.where('search_tokens', '@>', sql<string[]>`${sql.val(tokens)}::text[]`);
    query = query.where(sql<boolean>`strpos(lower(prompt), ${f.q.toLowerCase()}) > 0`);
  }
  if (f.status) query = query.where('status', '=', f.status);
  if (f.model) query = query.where('model', '=', f.model);
  if (f.provider) query = query.where('provider', '=', f.provider);
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
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return rows.length > f.limit && last ? { rows: page, next: encodeCursor(last) } : { rows: page };
}
