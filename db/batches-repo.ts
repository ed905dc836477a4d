import { sql, type ColumnType, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { toMicros, type Admission } from '../domain/accounts';
import type { BatchCounts, BatchItemDependency, BatchStatus } from '../domain/batch';
import type { GenerationWorkflowInput } from '../domain/generation';
import type { SearchAttributeValues } from '../domain/search-attributes';
import type { ErrorBody } from '../domain/errors';
import { isUniqueViolation } from './errors';
import { admitAndReserve, settleFinished } from './ledger';
import type { BatchRow, Database, GenerationRow, NewBatch, NewGeneration } from './schema';

export type BatchItemRow = Pick<
  GenerationRow,
  'id' | 'batch_index' | 'model' | 'kind' | 'status' | 'prompt' | 'parameters' | 'input_images' | 'number_of_outputs' | 'error_code' | 'error_message' | 'estimated_cost' | 'cost'
>;

/** Migration 0020: what the batch workflow starts each item with (api/submission.ts builds it). */
export interface BatchItemStartsTable {
  generation_id: string;
  input: ColumnType<GenerationWorkflowInput, string, string>;
  search_attributes: ColumnType<SearchAttributeValues, string | undefined, string>;
  depends_on: ColumnType<BatchItemDependency[], string | undefined, string>;
}
export type NewBatchItemStart = Insertable<BatchItemStartsTable>;
export type BatchItemStart = Selectable<BatchItemStartsTable>;
type WithStarts = Database & { batch_item_starts: BatchItemStartsTable };

export function createBatchesRepo(db: Kysely<Database>) {
  const starts = db.withTables<{ batch_item_starts: BatchItemStartsTable }>();
  return {
    /** Records the items' starts with the batch (called inside insert()'s transaction). */
    async insertStarts(trx: Transaction<Database>, rows: NewBatchItemStart[], chunk: number): Promise<void> {
      const t = trx as unknown as Transaction<WithStarts>;
      for (let i = 0; i < rows.length; i += chunk) await t.insertInto('batch_item_starts').values(rows.slice(i, i + chunk)).execute();
    },

    /** The earlier items each of these items takes input images from (only items that have any). */
    async dependenciesOf(generationIds: readonly string[]): Promise<Map<string, number[]>> {
      if (generationIds.length === 0) return new Map();
      const rows = await starts
        .selectFrom('batch_item_starts')
        .select(['generation_id', 'depends_on'])
        .where('generation_id', 'in', generationIds)
        .where(sql<boolean>`jsonb_array_length(depends_on) > 0`)
        .execute();
      return new Map(rows.map((r) => [r.generation_id, [...new Set(r.depends_on.map((d) => d.fromItem))]]));
    },

    /** Items of a batch by index, with their outcome (a dependent item reads its inputs' items). */
    itemsAt(batchId: string, indexes: readonly number[]): Promise<Array<Pick<GenerationRow, 'id' | 'batch_index' | 'status' | 'error_code' | 'error_message'>>> {
      if (indexes.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('generations')
        .select(['id', 'batch_index', 'status', 'error_code', 'error_message'])
        .where('batch_id', '=', batchId)
        .where('batch_index', 'in', indexes)
        .execute();
    },

    /** Records a dependent item's input images once they are known (the earlier items' outputs). */
    async setInputImages(generationId: string, inputImages: readonly string[]): Promise<void> {
      await db.updateTable('generations').set({ input_images: JSON.stringify(inputImages), updated_at: sql`now()` }).where('id', '=', generationId).execute();
    },

    /** The recorded starts of these items (none for items of batches accepted before migration 0020). */
    async startsOf(generationIds: readonly string[]): Promise<Map<string, BatchItemStart>> {
      if (generationIds.length === 0) return new Map();
      const rows = await starts.selectFrom('batch_item_starts').selectAll().where('generation_id', 'in', generationIds).execute();
      return new Map(rows.map((r) => [r.generation_id, r]));
    },

    /**
     * The batch and all its items in one transaction, items in chunks so that no statement
     * carries more than a few hundred rows: a batch exists completely or not at all.
     */
    async insert(
      batch: NewBatch,
      items: NewGeneration[],
      chunk: number,
      admission?: Admission,
      /** More writes that must commit with the batch, or not at all (the workflow outbox entry). */
      alsoInTransaction?: (trx: Transaction<Database>) => Promise<void>,
    ): Promise<{ row: BatchRow; created: boolean }> {
      // A retry of an accepted batch gets that batch, even once the budget is spent.
      const earlier = batch.idempotency_key ? await this.findByIdempotencyKey(batch.idempotency_key) : undefined;
      if (earlier) return { row: earlier, created: false };
      try {
        return { row: await this.insertNew(batch, items, chunk, admission, alsoInTransaction), created: true };
      } catch (err) {
        // Two requests raced for the same key: the loser answers with the winner's batch.
        const existing = batch.idempotency_key && isUniqueViolation(err) ? await this.findByIdempotencyKey(batch.idempotency_key) : undefined;
        if (existing) return { row: existing, created: false };
        throw err;
      }
    },

    findByIdempotencyKey(key: string): Promise<BatchRow | undefined> {
      return db.selectFrom('batches').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    },

    async insertNew(
      batch: NewBatch,
      items: NewGeneration[],
      chunk: number,
      admission?: Admission,
      alsoInTransaction?: (trx: Transaction<Database>) => Promise<void>,
    ): Promise<BatchRow> {
      return db.transaction().execute(async (trx) => {
        // The whole batch is reserved up front, so it either fits the budget or is refused at once.
        if (admission) {
          const ledger = items.map((i) => ({ generationId: i.id, model: i.model, micros: toMicros(i.estimated_cost ?? 0) }));
          await admitAndReserve(trx, admission, ledger, false);
        }
        const row = await trx.insertInto('batches').values(batch).returningAll().executeTakeFirstOrThrow();
        for (let i = 0; i < items.length; i += chunk) {
          await trx.insertInto('generations').values(items.slice(i, i + chunk)).execute();
        }
        await alsoInTransaction?.(trx);
        return row;
      });
    },

    async recordWebhookDelivery(id: string, error?: string): Promise<void> {
      await db
        .updateTable('batches')
        .set(error === undefined ? { webhook_delivered_at: sql`now()`, webhook_last_error: null } : { webhook_last_error: error.slice(0, 500) })
        .where('id', '=', id)
        .execute();
    },

    /** Newest first, keyset-paged on (created_at, id); `owner` narrows to one owner's batches. */
    list(filter: { owner?: string; before?: { createdAt: Date; id: string }; limit: number }): Promise<BatchRow[]> {
      let query = db.selectFrom('batches').selectAll();
      if (filter.owner !== undefined) query = query.where('owner', '=', filter.owner);
      if (filter.before) query = query.where(sql<boolean>`(created_at, id) < (${filter.before.createdAt}, ${filter.before.id})`);
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
    },

    findById(id: string): Promise<BatchRow | undefined> {
      return db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async counts(batchId: string, total: number): Promise<BatchCounts> {
      const rows = await db
        .selectFrom('generations')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .where('batch_id', '=', batchId)
        .groupBy('status')
        .execute();
      const counts: BatchCounts = { total, succeeded: 0, failed: 0, canceled: 0, running: 0, queued: 0 };
      for (const r of rows) {
        const key = r.status as keyof Omit<BatchCounts, 'total'>;
        if (key in counts) counts[key] = Number(r.n);
      }
      return counts;
    },

    /** Items from `afterIndex` on (exclusive), in index order; keyset paging stays fast at any depth. */
    listItems(batchId: string, fromIndex: number, limit: number): Promise<BatchItemRow[]> {
      return db
        .selectFrom('generations')
        .select(['id', 'batch_index', 'model', 'kind', 'status', 'prompt', 'parameters', 'input_images', 'number_of_outputs', 'error_code', 'error_message', 'estimated_cost', 'cost'])
        .where('batch_id', '=', batchId)
        .where('batch_index', '>=', fromIndex)
        .orderBy('batch_index')
        .limit(limit)
        .execute();
    },

    /** Marks items never started as canceled; returns how many. */
    async cancelUnstarted(batchId: string, fromIndex: number, error: ErrorBody): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('generations')
          .set({
            status: 'canceled',
            error_code: error.code,
            error_message: error.message,
            cost: 0,
            completed_at: sql`now()`,
            updated_at: sql`now()`,
          })
          .where('batch_id', '=', batchId)
          .where('batch_index', '>=', fromIndex)
          .where('status', '=', 'queued')
          .executeTakeFirst();
        await settleFinished(trx, { batchId });
        return Number(result.numUpdatedRows);
      });
    },

    /** Records the final status with the sum of what the items cost. */
    async finish(batchId: string, status: BatchStatus): Promise<{ actualCost: number; counts: BatchCounts }> {
      const sum = await db
        .selectFrom('generations')
        .select(sql<number>`coalesce(sum(cost), 0)`.as('cost'))
        .where('batch_id', '=', batchId)
        .executeTakeFirstOrThrow();
      const actualCost = Number(sum.cost);
      await db
        .updateTable('batches')
        .set({ status, actual_cost: actualCost, completed_at: sql`now()`, updated_at: sql`now()` })
        .where('id', '=', batchId)
        .where('status', '=', 'running')
        .execute();
      const batch = await this.findById(batchId);
      return { actualCost, counts: await this.counts(batchId, batch?.total ?? 0) };
    },
  };
}
export type BatchesRepo = ReturnType<typeof createBatchesRepo>;
