import { sql, type Kysely } from 'kysely';
import type { Admission } from '../domain/accounts';
import { outboxValues, type OutboxStart } from './outbox-repo';
import type { Database, GenerationRow, NewGeneration } from './schema';

/** One submit waiting for its group's statement. */
export interface GroupedInsert {
  row: NewGeneration;
  /** The key's ledger reservation, written with the row (no check: the caller found none needed). */
  reservation?: { admission: Admission; micros: number };
  start?: OutboxStart;
}

/** What a grouped insert came to: written, the earlier row of its Idempotency-Key, or not decided here. */
export type GroupedOutcome = { row: GenerationRow; created: boolean } | 'alone';

export interface InsertGroupSettings {
  /** Rows in one statement at most. */
  maxRows: number;
  /** Statements in flight at once; while all are, new submits gather for the next one. */
  maxInFlight: number;
}

export const DEFAULT_INSERT_GROUP_SETTINGS: InsertGroupSettings = { maxRows: 200, maxInFlight: 2 };

interface Waiting extends GroupedInsert {
  settle(outcome: GroupedOutcome): void;
}

/**
 * Group commit of submits that need no check (db/generations-repo.ts): the rows, their ledger
 * reservations and their outbox entries of every submit that arrived while the previous
 * statements ran go in one multi-row `INSERT … WITH` statement. A hundred concurrent submits then
 * cost a handful of round trips and statements instead of a hundred, in this process and in
 * Postgres. Each caller is answered only after the statement holding its row returned, that is
 * committed: nothing is acknowledged before it is durable.
 *
 * A repeated Idempotency-Key skips its row (ON CONFLICT DO NOTHING, which also waits for a
 * concurrent insert of the same key to commit or abort) and its reservation and entry with it;
 * the caller gets the earlier row. Anything else that fails the statement (a foreign key that
 * went away, the database down) is answered `'alone'`: the caller writes its row on its own,
 * so one bad row never fails the others, and each gets the error its own insert gives.
 */
export function createInsertGroups(db: Kysely<Database>, settings: InsertGroupSettings = DEFAULT_INSERT_GROUP_SETTINGS) {
  const waiting: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || inFlight >= settings.maxInFlight || waiting.length === 0) return;
    scheduled = true;
    // After this turn of the event loop: the submits whose bodies arrived together go together.
    setImmediate(() => {
      scheduled = false;
      while (inFlight < settings.maxInFlight && waiting.length > 0) void write(take());
    });
  }

  /** The next group: up to maxRows, one per Idempotency-Key (a repeat waits for the next group, which then finds the first). */
  function take(): Waiting[] {
    const group: Waiting[] = [];
    const keys = new Set<string>();
    const later: Waiting[] = [];
    while (waiting.length > 0 && group.length < settings.maxRows) {
      const next = waiting.shift()!;
      const key = next.row.idempotency_key;
      if (key != null && keys.has(key)) later.push(next);
      else {
        if (key != null) keys.add(key);
        group.push(next);
      }
    }
    waiting.unshift(...later);
    return group;
  }

  async function write(group: Waiting[]): Promise<void> {
    inFlight++;
    try {
      const rows = await statement(group);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const skipped: Waiting[] = [];
      for (const item of group) {
        const row = byId.get(item.row.id);
        if (row) item.settle({ row, created: true });
        else skipped.push(item);
      }
      // Skipped: the Idempotency-Key was taken. Answer the row that holds it.
      if (skipped.length > 0) {
        const keys = skipped.map((s) => s.row.idempotency_key).filter((k): k is string => k != null);
        const earlier = keys.length > 0 ? await db.selectFrom('generations').selectAll().where('idempotency_key', 'in', keys).execute() : [];
        const byKey = new Map(earlier.map((r) => [r.idempotency_key, r]));
        for (const item of skipped) {
          const row = item.row.idempotency_key != null ? byKey.get(item.row.idempotency_key) : undefined;
          item.settle(row ? { row, created: false } : 'alone');
        }
      }
    } catch {
      // Each one alone then: the caller's own insert decides, and reports its own error.
      for (const item of group) item.settle('alone');
    } finally {
      inFlight--;
      schedule();
    }
  }

  function statement(group: Waiting[]): Promise<GenerationRow[]> {
    const insert = db
      .insertInto('generations')
      .values(group.map((g) => g.row))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returningAll();
    const reservations = group.flatMap((g) =>
      g.reservation
        ? [{ generation_id: g.row.id, key_id: g.reservation.admission.keyId, owner: g.reservation.admission.owner, model: g.row.model, reserved_micros: g.reservation.micros }]
        : [],
    );
    // args and search_attributes stay JSON values inside the recordset, so they land as jsonb.
    // `ord`: entries get their ids in the order the submits came (dispatchers claim oldest first).
    const starts = group.flatMap((g, ord) => {
      if (!g.start) return [];
      const v = outboxValues(g.start);
      return [{ ...v, args: g.start.args, search_attributes: g.start.searchAttributes, ord }];
    });
    // Reservations and entries only for rows the first insert wrote (a repeated key writes none).
    return sql<GenerationRow>`
      with g as (${insert}),
      l as (
        insert into usage_ledger (generation_id, key_id, owner, model, state, reserved_micros)
        select v.generation_id, v.key_id, v.owner, v.model, 'reserved', v.reserved_micros
        from jsonb_to_recordset(${JSON.stringify(reservations)}::jsonb) as v(generation_id text, key_id text, owner text, model text, reserved_micros bigint)
        where v.generation_id in (select id from g)
      ),
      o as (
        insert into workflow_outbox (workflow_id, workflow_type, task_queue, args, search_attributes, generation_id, batch_id)
        select v.workflow_id, v.workflow_type, v.task_queue, v.args, v.search_attributes, v.generation_id, v.batch_id
        from jsonb_to_recordset(${JSON.stringify(starts)}::jsonb) as v(workflow_id text, workflow_type text, task_queue text, args jsonb, search_attributes jsonb, generation_id text, batch_id text, ord int)
        where v.generation_id in (select id from g)
        order by v.ord
        on conflict (workflow_id) do nothing
      )
      select * from g`
      .execute(db)
      .then((r) => r.rows);
  }

  return {
    /** Writes the row with its group; answers once that statement committed. */
    insert(item: GroupedInsert): Promise<GroupedOutcome> {
      return new Promise<GroupedOutcome>((settle) => {
        waiting.push({ ...item, settle });
        schedule();
      });
    },
  };
}
export type InsertGroups = ReturnType<typeof createInsertGroups>;
