import { sql, type Kysely } from 'kysely';
import { documentTokens } from '../../domain/search-tokens';

const BATCH = 1_000;

/**
 * Search tokens gained 5-grams (domain/search-tokens.ts): a query word of five or more letters
 * now asks for them, so every existing row is re-tokenised, or it would no longer be found.
 * Batches walk the primary key; on a million rows this takes minutes, once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; prompt: string }>`
      select id, prompt from generations where id > ${after} order by id limit ${BATCH}`.execute(db);
    if (rows.length === 0) return;
    const values = rows.map((r) => sql`(${r.id}, ${sql.val(documentTokens(r.prompt))}::text[])`);
    await sql`update generations as g set search_tokens = v.tokens
      from (values ${sql.join(values)}) as v(id, tokens) where g.id = v.id`.execute(db);
    after = rows[rows.length - 1]!.id;
  }
}

/** Trigram-only queries find rows that also hold 5-grams: nothing to undo. */
export async function down(): Promise<void> {}
