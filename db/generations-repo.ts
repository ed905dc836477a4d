import { sql, type Kysely, type Transaction } from 'kysely';
import { toMicros, type Admission } from '../domain/accounts';
import type { GenerationAttempt } from '../domain/attempts';
import { settle, type ProviderCharge } from '../domain/charges';
import type { ErrorBody } from '../domain/errors';
import type { StoredAsset } from '../domain/generation';
import type { GenerationStatus } from '../domain/status';
import { searchGenerations, type GenerationFilter } from './generation-search';
import { isUniqueViolation } from './errors';
import { outboxValues, type OutboxStart, type WorkflowOutboxTable } from './outbox-repo';
import { admitAndReserve, settleFinished } from './ledger';
import { createInsertGroups, type InsertGroups } from './grouped-inserts';
import type { AssetRow, Database, GenerationRow, NewGeneration } from './schema';
import { createWebhookDeliveries } from './webhook-deliveries';


type WithOutbox = Database & { workflow_outbox: WorkflowOutboxTable };

/** Terminal rows are never rewritten: a late activity retry must not undo a final state. */
const NOT_TERMINAL = ['queued', 'running'] as const;

export function createGenerationsRepo(db: Kysely<Database>) {
  // Made on the first submit: most repos (workers, dispatchers) never insert.
  let groups: InsertGroups | undefined;
  return {
    /**
     * Inserts a new generation. With an idempotency key already taken, returns the existing
     * row instead (`created: false`), also when two requests race for the same key.
     */
    async insert(
      row: NewGeneration,
      admission?: Admission,
      /** More writes that must commit with the row, or not at all. */
      alsoInTransaction?: (trx: Transaction<Database>) => Promise<void>,
      /** The workflow start (outbox entry) that commits with the row, or not at all. */
      start?: OutboxStart,
    ): Promise<{ row: GenerationRow; created: boolean }> {
      const micros = toMicros(row.estimated_cost ?? 0);
      // Nothing to check: no concurrency limit applies and the key has no budget (or the request
      // costs nothing). Then the row, its reservation and its outbox entry go in one statement
      // (one round trip, no key lock, no explicit transaction): a submit's whole write.
      const unchecked =
        !alsoInTransaction &&
        (!admission || ((admission.maxConcurrentGenerations === null || row.batch_id != null) && (admission.budgeted === false || micros === 0)));
      // A single submit (not a batch item) goes with the others of the moment: one statement for all.
      if (unchecked && row.batch_id == null && start) {
        groups ??= createInsertGroups(db);
        const outcome = await groups.insert({ row, start, ...(admission ? { reservation: { admission, micros } } : {}) });
        if (outcome !== 'alone') return outcome;
      }
      if (unchecked) {
        try {
          let query = db.with('g', (qb) => qb.insertInto('generations').values(row).returningAll());
          if (admission) {
            query = query.with('l', (qb) =>
              qb.insertInto('usage_ledger').values({ generation_id: row.id, key_id: admission.keyId, owner: admission.owner, model: row.model, state: 'reserved', reserved_micros: micros }),
            );
          }
          if (start) {
            query = query.with('o', (qb) =>
              (qb as unknown as Kysely<WithOutbox>).insertInto('workflow_outbox').values(outboxValues(start)).onConflict((oc) => oc.column('workflow_id').doNothing()),
            );
          }
          return { row: await query.selectFrom('g').selectAll().executeTakeFirstOrThrow(), created: true };
        } catch (err) {
          // A repeated Idempotency-Key: the statement wrote nothing; answer the first request's row.
          if (row.idempotency_key && isUniqueViolation(err)) {
            const existing = await this.findByIdempotencyKey(row.idempotency_key);
            if (existing) return { row: existing, created: false };
          }
          throw err;
        }
      }
      // A retry of an accepted request gets its generation, even once the budget is spent.
      const earlier = row.idempotency_key ? await this.findByIdempotencyKey(row.idempotency_key) : undefined;
      if (earlier) return { row: earlier, created: false };
      try {
        const inserted = await db.transaction().execute(async (trx) => {
          // Admission and reservation in the insert's transaction: all of it happens, or none.
          if (admission) {
            await admitAndReserve(trx, admission, [{ generationId: row.id, model: row.model, micros }], row.batch_id == null);
          }
          const inserted = await trx.insertInto('generations').values(row).returningAll().executeTakeFirstOrThrow();
          if (start) await (trx as unknown as Kysely<WithOutbox>).insertInto('workflow_outbox').values(outboxValues(start)).onConflict((oc) => oc.column('workflow_id').doNothing()).execute();
          await alsoInTransaction?.(trx);
          return inserted;
        });
        return { row: inserted, created: true };
      } catch (err) {
        if (row.idempotency_key && isUniqueViolation(err)) {
          const existing = await this.findByIdempotencyKey(row.idempotency_key);
          if (existing) return { row: existing, created: false };
        }
        throw err;
      }
    },

    search(filter: GenerationFilter) {
      return searchGenerations(db, filter);
    },

    findById(id: string): Promise<GenerationRow | undefined> {
      return db.selectFrom('generations').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findByIdempotencyKey(key: string): Promise<GenerationRow | undefined> {
      return db.selectFrom('generations').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    },

    async markRunning(id: string): Promise<void> {
      await db
        .updateTable('generations')
        .set({ status: 'running', started_at: sql`coalesce(started_at, now())`, updated_at: sql`now()` })
        .where('id', '=', id)
        .where('status', 'in', NOT_TERMINAL)
        .execute();
    },

    /** `keyId`: the id of the key that submitted the task (never the key), which its polls and cancels must use. */
    async recordProviderTask(id: string, taskId: string, model?: string, keyId?: string): Promise<void> {
      await db
        .updateTable('generations')
        .set({
          provider_task_id: taskId,
          ...(model ? { provider_task_model: model } : {}),
          // Always written: a fallback's task must not inherit the key of the task before it.
          provider_task_key: keyId ?? null,
          submit_pending_model: null,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute();
    },

    /**
     * The id of the key that submitted this generation's task `taskId` of `model`; undefined when
     * none was recorded (a task from before keys were recorded, or a provider without keys).
     */
    async providerTaskKey(id: string, taskId: string, model: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('generations')
        .select(['provider_task_id', 'provider_task_model', 'provider_task_key'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row || row.provider_task_id !== taskId || (row.provider_task_model !== null && row.provider_task_model !== model)) return undefined;
      return row.provider_task_key ?? undefined;
    },

    /**
     * Called right before a provider submit. When an earlier attempt already recorded a task of
     * this model, answers it (the caller adopts it instead of paying twice). Otherwise counts the
     * submission, and counts it as a possible duplicate when an earlier submit of this model was
     * still in flight (its worker died, or it timed out) — the provider may have that job too.
     */
    async beginSubmit(id: string, model: string, estimateUsd?: number): Promise<{ existingTaskId?: string }> {
      const row = await db.selectFrom('generations').select(['provider_task_id', 'provider_task_model']).where('id', '=', id).executeTakeFirst();
      if (row?.provider_task_id && row.provider_task_model === model) return { existingTaskId: row.provider_task_id };
      await db
        .updateTable('generations')
        .set({
          provider_submissions: sql<number>`provider_submissions + 1`,
          duplicate_submissions: sql<number>`duplicate_submissions + case when submit_pending_model = ${model} then 1 else 0 end`,
          submit_pending_model: model,
          // The price-table estimate of the model submitted: a fallback's result settles at its own.
          ...(estimateUsd !== undefined
            ? { billing: sql<string>`jsonb_set(billing, '{estimates}', coalesce(billing->'estimates', '{}'::jsonb) || jsonb_build_object(${model}::text, ${estimateUsd}::double precision))` }
            : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute();
      return {};
    },

    /**
     * What a provider reported charging for this generation's task of `model`. Keyed by model, so
     * a retried activity that reads the same report again records it once.
     */
    async recordProviderCharge(id: string, model: string, charge: ProviderCharge): Promise<void> {
      const value = JSON.stringify({ [model]: charge });
      await db
        .updateTable('generations')
        .set({ billing: sql<string>`jsonb_set(billing, '{charges}', coalesce(billing->'charges', '{}'::jsonb) || ${value}::jsonb)` })
        .where('id', '=', id)
        .execute();
    },

    /** The provider answered the submit (a result or a clear refusal): no job of unknown fate is left. */
    async endSubmit(id: string): Promise<void> {
      await db.updateTable('generations').set({ submit_pending_model: null }).where('id', '=', id).execute();
    },

    /** The token of this generation's provider callback URLs, made on first use. */
    async callbackToken(id: string, fresh: string): Promise<string> {
      const row = await db
        .updateTable('generations')
        .set({ callback_token: sql<string>`coalesce(callback_token, ${fresh})` })
        .where('id', '=', id)
        .returning('callback_token')
        .executeTakeFirst();
      return row?.callback_token ?? fresh;
    },

    /** The generation waiting on this provider's task; after a fallback the task is the fallback model's. */
    async findByProviderTask(provider: string, taskId: string): Promise<GenerationRow | undefined> {
      const rows = await db.selectFrom('generations').selectAll().where('provider_task_id', '=', taskId).execute();
      return rows.find((r) => (r.provider_task_model ? r.provider_task_model.startsWith(`${provider}/`) : r.provider === provider));
    },

    async recordWebhookDelivery(id: string, error?: string): Promise<void> {
      await db
        .updateTable('generations')
        .set(error === undefined ? { webhook_delivered_at: sql`now()`, webhook_last_error: null } : { webhook_last_error: error.slice(0, 500) })
        .where('id', '=', id)
        .execute();
    },

    async recordEnhancedPrompt(id: string, enhancedPrompt: string): Promise<void> {
      await db
        .updateTable('generations')
        .set({ enhanced_prompt: enhancedPrompt, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    async recordProgress(id: string, progress: number): Promise<void> {
      await db
        .updateTable('generations')
        .set({ progress, updated_at: sql`now()` })
        .where('id', '=', id)
        .where('status', 'in', NOT_TERMINAL)
        .execute();
    },

    /**
     * Records the final state with what it costs (domain/charges.ts settle: the provider's
     * reported charge, else the estimate of the model that produced the result; nothing for a
     * failure the provider did not charge) and, in the same transaction, settles or releases its
     * reservation. Answers the settlement, or undefined when the row was already final.
     */
    async finish(
      id: string,
      status: Exclude<GenerationStatus, 'queued' | 'running'>,
      error?: ErrorBody,
      outcome?: { resultModel?: string; attempts?: GenerationAttempt[] },
    ): Promise<{ costUsd: number } | undefined> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('generations')
          .select(['model', 'status', 'estimated_cost', 'billing'])
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        let settled: { costUsd: number } | undefined;
        if (row && (NOT_TERMINAL as readonly string[]).includes(row.status)) {
          const billing = row.billing ?? {};
          const settlement = settle({
            status,
            requestedModel: row.model,
            requestedEstimateUsd: Number(row.estimated_cost ?? 0),
            ...(outcome?.resultModel ? { resultModel: outcome.resultModel } : {}),
            billing,
          });
          await trx
            .updateTable('generations')
            .set({
              ...(outcome?.resultModel ? { result_model: outcome.resultModel } : {}),
              ...(outcome?.attempts ? { attempts: JSON.stringify(outcome.attempts) } : {}),
              status,
              progress: status === 'succeeded' ? 1 : sql<number>`progress`,
              cost: settlement.costUsd,
              billing: JSON.stringify({ ...billing, settled: settlement }),
              error_code: error?.code ?? null,
              error_message: error?.message ?? null,
              error_details: error?.details === undefined ? null : JSON.stringify(error.details),
              completed_at: sql`now()`,
              updated_at: sql`now()`,
            })
            .where('id', '=', id)
            .where('status', 'in', NOT_TERMINAL)
            .execute();
          settled = { costUsd: settlement.costUsd };
        }
        // Also when the row was already final: a reservation left over is settled now.
        await settleFinished(trx, { generationId: id });
        return settled;
      });
    },

    async upsertAsset(generationId: string, asset: StoredAsset): Promise<void> {
      const values = {
        id: asset.id,
        generation_id: generationId,
        index: asset.index,
        storage_key: asset.storageKey,
        content_type: asset.contentType,
        bytes: asset.bytes,
        sha256: asset.sha256,
        width: asset.width ?? null,
        height: asset.height ?? null,
        duration_seconds: asset.durationSeconds ?? null,
      };
      await db
        .insertInto('assets')
        .values(values)
        .onConflict((oc) => oc.columns(['generation_id', 'index']).doUpdateSet({ ...values, id: (eb) => eb.ref('assets.id') }))
        .execute();
    },

    listAssets(generationId: string): Promise<AssetRow[]> {
      return db.selectFrom('assets').selectAll().where('generation_id', '=', generationId).orderBy('index').execute();
    },

    /** Assets of many generations in one query, grouped by generation id. */
    async listAssetsFor(generationIds: string[]): Promise<Map<string, AssetRow[]>> {
      const byGeneration = new Map<string, AssetRow[]>(generationIds.map((id) => [id, []]));
      if (generationIds.length === 0) return byGeneration;
      const rows = await db.selectFrom('assets').selectAll().where('generation_id', 'in', generationIds).orderBy('index').execute();
      for (const row of rows) byGeneration.get(row.generation_id)?.push(row);
      return byGeneration;
    },

    findAsset(id: string): Promise<AssetRow | undefined> {
      return db.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Assets stored before `cutoff`, oldest first, for the retention sweep. */
    listAssetsCreatedBefore(cutoff: Date, limit: number): Promise<AssetRow[]> {
      return db.selectFrom('assets').selectAll().where('created_at', '<', cutoff).orderBy('created_at').limit(limit).execute();
    },

    async deleteAssets(ids: string[]): Promise<void> {
      if (ids.length > 0) await db.deleteFrom('assets').where('id', 'in', ids).execute();
    },

    /** Removes a finished generation and its asset rows; answers false when there was none. */
    async deleteGeneration(id: string): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('assets').where('generation_id', '=', id).execute();
        const result = await tx.deleteFrom('generations').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },

    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },

    /** Provider webhook deliveries already acted on (replays change nothing). */
    webhookDeliveries: createWebhookDeliveries(db),
  };
}
export type GenerationsRepo = ReturnType<typeof createGenerationsRepo>;
