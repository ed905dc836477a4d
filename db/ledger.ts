import { sql, type Kysely } from 'kysely';
import type { Admission } from '../domain/accounts';
import { fromMicros } from '../domain/accounts';
import { GenflowError } from '../domain/errors';
import type { Database } from './schema';

/**
 * The money ledger: one row per generation. On submit its estimate is RESERVED (in the same
 * transaction as the generation's insert); when the generation ends the row becomes SETTLED
 * at the generation's cost — what the provider reported, else the estimate of the model that
 * produced the result — or RELEASED (failed, canceled; unless the provider charged for it). The generation id is the
 * primary key and a row leaves 'reserved' only once, so a retried activity or a duplicate
 * webhook cannot settle twice.
 */

export interface LedgerItem {
  generationId: string;
  model: string;
  micros: number;
}

const BUDGETS = [
  ['daily', 'budget_daily_micros'],
  ['monthly', 'budget_monthly_micros'],
  ['total', 'budget_total_micros'],
] as const;

/** Start of each budget window, in UTC. */
function windowStart(kind: (typeof BUDGETS)[number][0], now: Date): Date {
  if (kind === 'daily') return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (kind === 'monthly') return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return new Date(0);
}

/** Outstanding reservations plus settled spend of a key since `from`, in micro-USD. */
async function spentSince(trx: Kysely<Database>, keyId: string, from: Date): Promise<number> {
  const row = await trx
    .selectFrom('usage_ledger')
    .select(sql<string>`coalesce(sum(case state when 'settled' then settled_micros when 'reserved' then reserved_micros else 0 end), 0)`.as('spent'))
    .where('key_id', '=', keyId)
    .where('created_at', '>=', from)
    .executeTakeFirstOrThrow();
  return Number(row.spent);
}

/**
 * Checks the key's concurrency limit and budgets, then reserves `items`. Must run inside the
 * transaction that inserts the generations: the key's row is locked first, so two submits of
 * the same key are admitted one after the other and cannot both spend the last dollar.
 * `countsTowardConcurrency` is false for batches, which are paced by their own maxConcurrency.
 */
export async function admitAndReserve(trx: Kysely<Database>, admission: Admission, items: LedgerItem[], countsTowardConcurrency: boolean): Promise<void> {
  const key = await trx.selectFrom('api_keys').selectAll().where('id', '=', admission.keyId).forUpdate().executeTakeFirst();
  const limit = admission.maxConcurrentGenerations;
  if (countsTowardConcurrency && limit !== null) {
    const active = await trx
      .selectFrom('generations')
      .select(sql<string>`count(*)`.as('n'))
      .where('api_key_id', '=', admission.keyId)
      .where('status', 'in', ['queued', 'running'])
      .where('batch_id', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(active.n) >= limit) {
      throw new GenflowError('RATE_LIMITED', `this API key already has ${limit} generation(s) queued or running; wait for one to finish`, {
        details: { limit: 'maxConcurrentGenerations', maxConcurrentGenerations: limit },
        retryAfterMs: 2_000,
      });
    }
  }
  const requested = items.reduce((sum, i) => sum + i.micros, 0);
  if (key && requested > 0) {
    const now = new Date();
    for (const [kind, column] of BUDGETS) {
      const budget = key[column];
      if (budget === null) continue;
      const spent = await spentSince(trx, admission.keyId, windowStart(kind, now));
      if (spent + requested > Number(budget)) {
        throw new GenflowError('QUOTA_EXCEEDED', `this request's estimated cost exceeds the API key's ${kind} budget`, {
          details: { budget: kind, limitUsd: fromMicros(budget), spentUsd: fromMicros(spent), requestedUsd: fromMicros(requested) },
        });
      }
    }
  }
  const rows = items.map((i) => ({
    generation_id: i.generationId,
    key_id: admission.keyId,
    owner: admission.owner,
    model: i.model,
    state: 'reserved',
    reserved_micros: i.micros,
  }));
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('usage_ledger').values(rows.slice(i, i + 500)).execute();
}

/**
 * Settles or releases the reservations of generations that have reached a final state, from
 * that state and the settlement the finish recorded (domain/charges.ts): a generation that
 * costs something (succeeded, or failed after its provider charged for it) is settled at its
 * cost, with the estimate, the model the money went to, the source and the reason next to it;
 * anything else is released. Rows already settled or released are untouched, so calling this
 * again changes nothing.
 */
export async function settleFinished(trx: Kysely<Database>, where: { generationId: string } | { batchId: string }): Promise<void> {
  const match = 'generationId' in where ? sql`g.id = ${where.generationId}` : sql`g.batch_id = ${where.batchId}`;
  const charged = sql`(g.status = 'succeeded' or coalesce(g.cost, 0) > 0)`;
  await sql`
    update usage_ledger l
       set state = case when ${charged} then 'settled' else 'released' end,
           settled_micros = case when ${charged} then round(coalesce(g.cost, 0) * 1000000)::bigint else 0 end,
           estimated_micros = round(coalesce((g.billing #>> '{settled,estimateUsd}')::double precision,
                                             case when g.status = 'succeeded' then g.estimated_cost end, 0) * 1000000)::bigint,
           charged_model = case when ${charged} then coalesce(g.billing #>> '{settled,model}', g.result_model, g.model) end,
           charge_source = case when ${charged} then coalesce(g.billing #>> '{settled,source}', 'estimate') end,
           charge_reason = g.billing #>> '{settled,reason}',
           finished_at = now()
      from generations g
     where l.generation_id = g.id
       and ${match}
       and l.state = 'reserved'
       and g.status in ('succeeded', 'failed', 'canceled')`.execute(trx);
}
