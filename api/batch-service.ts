import { createHash, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Principal } from '../domain/accounts';
import { BatchLimits, batchProgress, type BatchItemDependency, type BatchSummary, type BatchView, type BatchWorkflowInput } from '../domain/batch';
import type { CreateBatchBody } from '../domain/batch-body';
import { checkWebhookUrl } from '../media/webhook-url';
import { GenflowError } from '../domain/errors';
import { createGenerationBody } from '../domain/generation';
import { keepAvailable } from '../domain/search-attributes';
import { batchWorkflowId, TaskQueue } from '../domain/task-queues';
import type { BatchesRepo, NewBatchItemStart } from '../db/batches-repo';
import type { GenerationsRepo } from '../db/generations-repo';
import type { BatchRow, NewGeneration } from '../db/schema';
import type { Storage } from '../media/storage/types';
import type { ModelSelection } from '../providers/model-selection';
import type { SubmitOutbox } from './generation-service';
import type { SearchAttributes } from '../runtime/search-attributes';
import { BUILT_IN_SELECTION, checkSubmission, prepareSubmission, type CheckedSubmission, type SubmissionChecks, type SubmissionSettings } from './submission';
import { canSee, ownerScope } from './auth';
import { extractDependencies, linkDependencies } from './batch-dependencies';
import { encodeCursor } from '../db/generation-search';
import { parseOrThrow } from './validate';
import { outputView, settledCost } from '../views/generation-views';

export interface BatchServiceDeps {
  batches: BatchesRepo;
  /** Where the items' outputs are read. */
  generations: Pick<GenerationsRepo, 'listAssetsFor'>;
  temporal: Client;
  logger: Logger;
  taskQueue?: string;
  /** Children per workflow run before continue-as-new; default BatchLimits.childrenPerRun. */
  childrenPerRun?: number;
  /** Where the batch workflow's start is recorded (with the batch) for the dispatchers to make. */
  outbox: SubmitOutbox;
  /** GENFLOW_WEBHOOK_SECRET: signs the batch's completion callback; without it `webhookUrl` is refused. */
  webhookSecret?: string;
  /** TEST ONLY: a loopback `webhookUrl` (and input image URL) is accepted. */
  allowLoopbackWebhooks?: boolean;
  /** The same as the generation service's: default models per kind, fallbacks, the prompt enhancer. */
  modelSelection?: ModelSelection;
  /** Provider settings (rate limits route provider calls); default process.env. */
  env?: Record<string, string | undefined>;
  /** Admin-set parameter defaults per model (provider config API), as for single generations. */
  modelDefaults?: SubmissionChecks['modelDefaults'];
  /** Where items' inline images are put, as for single generations. */
  storage?: Storage;
  /** Which search attributes the namespace has: items' workflows are started with those only. */
  searchAttributes?: Pick<SearchAttributes, 'available'>;
}

const iso = (d: Date | string | null): string | undefined => (d === null ? undefined : new Date(d).toISOString());

/** A batch item that passed the checks, and the earlier items whose outputs it takes as inputs. */
export type CheckedBatchItem = CheckedSubmission & { dependencies: BatchItemDependency[] };

/**
 * Checks one item exactly like a single generation (api/submission.ts: the model named or the
 * configured default for its kind, its fallbacks, its input images); an error names the item's
 * index. `earlier`: the items before it, which its `{"fromItem": n}` inputs may name.
 */
export async function checkBatchItem(
  raw: unknown,
  index: number,
  selection: ModelSelection,
  checks: SubmissionChecks,
  earlier: readonly CheckedSubmission[],
): Promise<CheckedBatchItem> {
  try {
    const { item, dependencies } = extractDependencies(raw, index);
    const body = parseOrThrow(createGenerationBody, item);
    // Not carried into batch items (yet): refused rather than silently dropped.
    if (body.webhookUrl !== undefined) throw new GenflowError('INVALID_REQUEST', 'webhookUrl: give the batch one callback in options.webhookUrl');
    if (body.frameId !== undefined || body.shotId !== undefined) {
      throw new GenflowError('INVALID_REQUEST', `${body.frameId !== undefined ? 'frameId' : 'shotId'}: not supported for batch items yet; attach each generation later (POST /v1/shots/{id}/generations)`);
    }
    return { ...linkDependencies(await checkSubmission(body, selection, checks), dependencies, earlier), dependencies };
  } catch (err) {
    if (!(err instanceof GenflowError)) throw err;
    throw new GenflowError(err.code, `requests[${index}]: ${err.message}`, { details: { index, error: err.toBody() } });
  }
}

/** Every item of a batch checked, in order. */
export async function checkBatchItems(requests: readonly unknown[], selection: ModelSelection, checks: SubmissionChecks): Promise<CheckedBatchItem[]> {
  const out: CheckedBatchItem[] = [];
  for (const [index, raw] of requests.entries()) out.push(await checkBatchItem(raw, index, selection, checks, out));
  return out;
}

export function createBatchService(deps: BatchServiceDeps) {
  const { batches, temporal, logger } = deps;
  const taskQueue = deps.taskQueue ?? TaskQueue.generations;
  const selection = deps.modelSelection ?? BUILT_IN_SELECTION;
  const settings: SubmissionSettings = { selection, env: deps.env ?? process.env, storage: deps.storage };
  const checks: SubmissionChecks = { allowLoopbackInputs: deps.allowLoopbackWebhooks, storage: deps.storage, webhookSecret: deps.webhookSecret, modelDefaults: deps.modelDefaults };

  async function summary(row: BatchRow): Promise<BatchSummary> {
    const counts = await batches.counts(row.id, row.total);
    const result: BatchSummary = {
      id: row.id,
      status: row.status as BatchView['status'],
      totalTasks: row.total,
      counts,
      progress: batchProgress(counts),
      options: { maxConcurrency: row.max_concurrency, stopOnError: row.stop_on_error, ...(row.webhook_url ? { webhookUrl: row.webhook_url } : {}) },
      estimatedCost: Number(row.estimated_cost),
      createdAt: iso(row.created_at) ?? '',
    };
    if (row.actual_cost !== null) result.actualCost = Number(row.actual_cost);
    const completedAt = iso(row.completed_at);
    if (completedAt) result.completedAt = completedAt;
    return result;
  }

  async function view(row: BatchRow, fromIndex: number, limit: number, baseUrl: string): Promise<BatchView> {
    const [base, items] = await Promise.all([summary(row), batches.listItems(row.id, fromIndex, limit)]);
    const ids = items.map((i) => i.id);
    // Two queries for the whole page, whatever its size: outputs, and which items feed which.
    const [assets, dependencies] = await Promise.all([deps.generations.listAssetsFor(ids), batches.dependenciesOf(ids)]);
    const last = items.at(-1)?.batch_index;
    const result: BatchView = {
      ...base,
      items: items.map((i) => ({
        index: i.batch_index ?? 0,
        generationId: i.id,
        model: i.model,
        status: i.status,
        ...(i.error_code ? { error: { code: i.error_code, message: i.error_message ?? '' } } : {}),
        outputs: (assets.get(i.id) ?? []).map((a) => outputView(a, baseUrl)),
        ...(dependencies.has(i.id) ? { dependsOn: dependencies.get(i.id) } : {}),
        estimatedCost: Number(i.estimated_cost ?? 0),
        ...settledCost(i),
      })),
    };
    if (items.length === limit && last !== null && last !== undefined && last + 1 < row.total) result.nextCursor = String(last + 1);
    return result;
  }

  /** Someone else's batch answers 404, exactly like a batch that does not exist. */
  async function find(id: string, caller?: Principal): Promise<BatchRow> {
    const row = await batches.findById(id);
    if (!row || (caller && !canSee(caller, row.owner))) throw new GenflowError('NOT_FOUND', `no batch with id '${id}'`);
    return row;
  }

  return {
    /**
     * Validates every item first (one bad item rejects the whole batch), then records the batch,
     * its items and the start of its workflow (an outbox entry) in one transaction. The batch
     * workflow, once a dispatcher starts it, starts the items.
     */
    async create(
      body: CreateBatchBody,
      caller?: Principal,
      idempotencyKey?: string,
    ): Promise<{ batch: { id: string; status: string; totalTasks: number; estimatedCost: number }; created: boolean }> {
      const id = randomUUID();
      const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
      const checked = await checkBatchItems(body.requests, selection, checks);
      const { stopOnError, webhookUrl } = body.options;
      // A batch runs at most as many items at once as its key may have generations in flight.
      const keyLimit = caller?.maxConcurrentGenerations ?? null;
      const maxConcurrency = keyLimit === null ? body.options.maxConcurrency : Math.min(body.options.maxConcurrency, keyLimit);
      if (webhookUrl) {
        if (!deps.webhookSecret) {
          throw new GenflowError('UNSUPPORTED_CAPABILITY', 'options.webhookUrl: client callbacks need GENFLOW_WEBHOOK_SECRET to be set on this server');
        }
        await checkWebhookUrl(webhookUrl, { allowLoopback: deps.allowLoopbackWebhooks === true, field: 'options.webhookUrl' });
      }
      const input: BatchWorkflowInput = {
        batchId: id,
        total: checked.length,
        maxConcurrency,
        stopOnError,
        ...(deps.childrenPerRun ? { childrenPerRun: deps.childrenPerRun } : {}),
        ...(webhookUrl ? { webhookUrl } : {}),
      };
      await deps.outbox.admit();
      // Each item becomes its row and its start exactly as a single submit would make them; the
      // batch workflow, not the outbox, starts them.
      const available = (await deps.searchAttributes?.available()) ?? new Set<string>();
      const items: NewGeneration[] = [];
      const starts: NewBatchItemStart[] = [];
      const discards: Array<() => Promise<void>> = [];
      const discardAll = () => Promise.all(discards.map((d) => d())).then(() => undefined);
      let estimatedCost = 0;
      try {
        for (const [index, item] of checked.entries()) {
          const { row: itemRow, start, discard } = await prepareSubmission(item, settings, { id: randomUUID(), caller, batch: { id, index } });
          discards.push(discard);
          items.push(itemRow);
          const attributes = keepAvailable(start.searchAttributes, available);
          // The namespace has GenflowStatus: the child's workflow may upsert it, as a single submit's does.
          const input = attributes.status ? { ...start.input, statusSearchAttribute: true } : start.input;
          starts.push({
            generation_id: itemRow.id,
            input: JSON.stringify(input),
            search_attributes: JSON.stringify(attributes),
            depends_on: JSON.stringify(item.dependencies),
          });
          estimatedCost += itemRow.estimated_cost ?? 0;
        }
      } catch (err) {
        await discardAll();
        throw err;
      }
      const { row, created } = await batches.insert(
        {
          id,
          workflow_id: batchWorkflowId(id),
          status: 'running',
          total: items.length,
          max_concurrency: maxConcurrency,
          stop_on_error: stopOnError,
          webhook_url: webhookUrl ?? null,
          estimated_cost: estimatedCost,
          actual_cost: null,
          completed_at: null,
          owner: caller?.owner ?? null,
          api_key_id: caller?.keyId ?? null,
          // Per owner, like generations': another caller's key neither collides nor reveals a batch.
          idempotency_key: idempotencyKey === undefined ? null : `${caller?.owner ?? ''}\n${idempotencyKey}`,
          request_hash: requestHash,
        },
        items,
        BatchLimits.insertChunk,
        caller ? { keyId: caller.keyId, owner: caller.owner, maxConcurrentGenerations: caller.maxConcurrentGenerations } : undefined,
        async (trx) => {
          await batches.insertStarts(trx, starts, BatchLimits.insertChunk);
          await deps.outbox.repo.enqueue(
            {
              workflowId: batchWorkflowId(id),
              workflowType: 'batchWorkflow',
              taskQueue,
              args: [input],
              searchAttributes: { batchId: id, ...(caller?.owner ? { owner: caller.owner } : {}) },
              batchId: id,
            },
            trx,
          );
        },
      ).catch(async (err: unknown) => {
        await discardAll();
        throw err;
      });
      if (!created) {
        await discardAll();
        if (row.request_hash !== requestHash) {
          throw new GenflowError('CONFLICT', 'Idempotency-Key was already used with a different request', { details: { batchId: row.id } });
        }
        return { batch: { id: row.id, status: row.status, totalTasks: row.total, estimatedCost: row.estimated_cost }, created };
      }
      deps.outbox.wake();
      logger.info({ batchId: id, total: items.length, maxConcurrency, stopOnError }, 'batch accepted');
      return { batch: { id, status: row.status, totalTasks: row.total, estimatedCost }, created };
    },

    /** The caller's batches (every batch for an admin), newest first, each with its counts. */
    async list(caller: Principal, cursor: { createdAt: Date; id: string } | undefined, limit: number): Promise<{ data: BatchSummary[]; nextCursor: string | null }> {
      const owner = ownerScope(caller);
      const rows = await batches.list({ ...(owner !== undefined ? { owner } : {}), ...(cursor ? { before: cursor } : {}), limit: limit + 1 });
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      return { data: await Promise.all(shown.map(summary)), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    /** `baseUrl`: where the outputs' URLs point (the API's public URL). */
    async get(id: string, cursor: number, limit: number, caller?: Principal, baseUrl = ''): Promise<BatchView> {
      return view(await find(id, caller), cursor, limit, baseUrl);
    },

    /** Cancels the batch workflow, which cancels its running children and the unstarted items. */
    async cancel(id: string, caller?: Principal, baseUrl = ''): Promise<BatchView> {
      const row = await find(id, caller);
      if (row.status === 'running') {
        // Not started yet: its outbox entry is removed, so no dispatcher starts it later.
        const unstarted = await deps.outbox.repo.cancel(row.workflow_id);
        if (unstarted === 'removed') {
          await batches.cancelUnstarted(id, 0, { code: 'CANCELED', message: 'canceled with its batch, before it started' });
          await batches.finish(id, 'canceled');
        } else if (unstarted === 'absent') {
          try {
            await temporal.workflow.getHandle(row.workflow_id).cancel();
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
        }
        // 'flagged': the dispatcher starting it right now cancels what it started, or drops it.
      }
      return view(await find(id), 0, BatchLimits.defaultListLimit, baseUrl);
    },
  };
}
export type BatchService = ReturnType<typeof createBatchService>;
