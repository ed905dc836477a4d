import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** Generations not finished yet, by model, provider and status (queued = waiting, running = in flight). */
export async function unfinishedGenerations(db: Kysely<Database>): Promise<Array<{ model: string; provider: string; status: string; count: number }>> {
  const rows = await db
    .selectFrom('generations')
    .select(['model', 'provider', 'status', (eb) => eb.fn.countAll<string | number>().as('count')])
    .where('status', 'in', ['queued', 'running'])
    .groupBy(['model', 'provider', 'status'])
    .execute();
  return rows.map((r) => ({ model: r.model, provider: r.provider, status: r.status, count: Number(r.count) }));
}
