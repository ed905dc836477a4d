import { sql, type ColumnType, type Generated, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { SearchAttributeValues } from '../domain/search-attributes';
import type { Database } from './schema';

type Json<T> = ColumnType<T, string, string>;

/** Migration 0015: workflow starts waiting for a dispatcher. */
export interface WorkflowOutboxTable {
  id: Generated<string>;
  workflow_id: string;
  workflow_type: string;
  task_queue: string;
  args: Json<unknown[]>;
  search_attributes: Json<SearchAttributeValues>;
  generation_id: string | null;
  batch_id: string | null;
  /** Claimable from then on: the retry time of a released entry, the lease end of a claimed one. */
  available_at: ColumnType<Date, Date | string | undefined, Date | string>;
  lease_token: string | null;
  attempts: Generated<number>;
  cancel_requested: Generated<boolean>;
  last_error: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}
export type OutboxEntry = Selectable<WorkflowOutboxTable>;
type WithOutbox = Database & { workflow_outbox: WorkflowOutboxTable };

/** What a submit records: the start a dispatcher will make. */
export interface OutboxStart {
  workflowId: string;
  workflowType: 'generationWorkflow' | 'batchWorkflow';
  taskQueue: string;
  args: unknown[];
  /** Set at start (the dispatcher keeps only the attributes the namespace has). */
  searchAttributes: SearchAttributeValues;
  generationId?: string;
  batchId?: string;
}

/** The row an entry is inserted as (also by the submit's single statement, db/generations-repo.ts). */
export function outboxValues(start: OutboxStart): Insertable<WorkflowOutboxTable> {
  return {
    workflow_id: start.workflowId,
    workflow_type: start.workflowType,
    task_queue: start.taskQueue,
    args: JSON.stringify(start.args),
    search_attributes: JSON.stringify(start.searchAttributes),
    generation_id: start.generationId ?? null,
    batch_id: start.batchId ?? null,
    lease_token: null,
    last_error: null,
  };
}

/** What a cancel found: the entry removed before any start, flagged while a dispatcher holds it, or none (started long ago). */
export type OutboxCancel = 'removed' | 'flagged' | 'absent';

/**
 * `taskQueues`: the queues this deployment serves. Claims and the backlog count only see their
 * entries, so deployments (or test stacks) that share a database but not a Temporal server never
 * start each other's workflows; without it, every entry.
 */
export function createOutboxRepo(database: Kysely<Database>, taskQueues?: readonly string[]) {
  const db = database.withTables<{ workflow_outbox: WorkflowOutboxTable }>();
  const scope = taskQueues && taskQueues.length > 0 ? sql`task_queue in (${sql.join(taskQueues)})` : sql`true`;
  return {
    /**
     * Records a start, in the caller's transaction when given one. A second entry for a
     * workflow id is dropped: the first one starts it.
     */
    async enqueue(start: OutboxStart, trx?: Transaction<Database>): Promise<void> {
      await (trx ? (trx as unknown as Kysely<WithOutbox>) : db)
        .insertInto('workflow_outbox')
        .values(outboxValues(start))
        .onConflict((oc) => oc.column('workflow_id').doNothing())
        .execute();
    },

    /** Entries waiting, counted up to `limit` (the count costs no more than the limit it checks). */
    async backlog(limit: number): Promise<number> {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from (select 1 from workflow_outbox where ${scope} limit ${limit}) as t`.execute(db);
      return Number(rows[0]?.n ?? 0);
    },

    /**
     * Takes up to `limit` claimable entries for `leaseMs`, oldest first. SKIP LOCKED lets
     * dispatchers in several processes claim at once without waiting on, or taking, each
     * other's rows.
     */
    async claim(limit: number, leaseMs: number, token: string): Promise<OutboxEntry[]> {
      const { rows } = await sql<OutboxEntry>`
        update workflow_outbox set available_at = now() + ${`${leaseMs} milliseconds`}::interval, lease_token = ${token}, attempts = attempts + 1
        where id in (
          select id from workflow_outbox where available_at <= now() and ${scope} order by available_at, id limit ${limit} for update skip locked
        )
        returning *`.execute(db);
      return rows.sort((a, b) => Number(a.id) - Number(b.id));
    },

    /**
     * The workflows of these entries exist: the entries go. Answers those still held under
     * `token` (with their cancel flag); an entry missing from the answer was taken from this
     * dispatcher (its lease ran out).
     */
    async complete(ids: string[], token: string): Promise<Array<{ id: string; workflow_id: string; cancel_requested: boolean }>> {
      if (ids.length === 0) return [];
      return db
        .deleteFrom('workflow_outbox')
        .where('id', 'in', ids)
        .where('lease_token', '=', token)
        .returning(['id', 'workflow_id', 'cancel_requested'])
        .execute();
    },

    /**
     * A start failed for a reason that may pass: claimable again after `delayMs`. Answers
     * whether a cancel came meanwhile (the caller then drops it instead).
     */
    async release(id: string, token: string, delayMs: number, error: string): Promise<{ cancelRequested: boolean }> {
      const row = await db
        .updateTable('workflow_outbox')
        // A canceled entry stays this dispatcher's, to be dropped.
        .set({
          available_at: sql`now() + ${`${delayMs} milliseconds`}::interval`,
          lease_token: sql<string | null>`case when cancel_requested then lease_token end`,
          last_error: error.slice(0, 500),
        })
        .where('id', '=', id)
        .where('lease_token', '=', token)
        .returning('cancel_requested')
        .executeTakeFirst();
      return { cancelRequested: row?.cancel_requested === true };
    },

    /**
     * Entries this dispatcher claimed ahead and will not start now (it stops, or Temporal is
     * away): claimable again at once, the claim not counted as an attempt. A cancel flag stays,
     * for the next dispatcher to honour.
     */
    async unclaim(ids: string[], token: string): Promise<void> {
      if (ids.length === 0) return;
      await db
        .updateTable('workflow_outbox')
        .set({ available_at: sql`now()`, lease_token: null, attempts: sql<number>`greatest(attempts - 1, 0)` })
        .where('id', 'in', ids)
        .where('lease_token', '=', token)
        .execute();
    },

    /** Removes an entry this dispatcher holds without starting it (canceled, or refused for good). */
    async drop(id: string, token: string): Promise<boolean> {
      const result = await db.deleteFrom('workflow_outbox').where('id', '=', id).where('lease_token', '=', token).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /**
     * Cancels a start that may not have happened: an entry no dispatcher holds is removed (the
     * workflow will never start); one a dispatcher holds right now is flagged, and that
     * dispatcher cancels what it started, or drops it.
     */
    async cancel(workflowId: string): Promise<OutboxCancel> {
      return db.transaction().execute(async (trx) => {
        const removed = await trx
          .deleteFrom('workflow_outbox')
          .where('workflow_id', '=', workflowId)
          .where((eb) => eb.or([eb('lease_token', 'is', null), eb('available_at', '<=', sql<Date>`now()`)]))
          .executeTakeFirst();
        if (Number(removed.numDeletedRows) > 0) return 'removed';
        const flagged = await trx.updateTable('workflow_outbox').set({ cancel_requested: true }).where('workflow_id', '=', workflowId).executeTakeFirst();
        return Number(flagged.numUpdatedRows) > 0 ? 'flagged' : 'absent';
      });
    },

    find(workflowId: string): Promise<OutboxEntry | undefined> {
      return db.selectFrom('workflow_outbox').selectAll().where('workflow_id', '=', workflowId).executeTakeFirst();
    },
  };
}
export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
