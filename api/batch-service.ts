import { createHash, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Principal } from '../domain/accounts';
import { BatchLimits, batchProgress, type BatchSummary, type BatchView, type BatchWorkflowInput } from '../domain/batch';
import type { CreateBatchBody } from '../domain/batch-body';
import { checkWebhookUrl } from '../media/webhook-url';
import { GenflowError } from '../domain/errors';
import { createGenerationBody } from '../domain/generation';
import { batchWorkflowId, generationWorkflowId, TaskQueue } from '../domain/task-queues';
import type { BatchesRepo } from '../db/batches-repo';
import type { BatchRow, NewGeneration } from '../db/schema';
import { estimateCost } from '../providers/model-runtime';
import { normalizeRequest, type SubmitOutbox } from './generation-service';
import { canSee, ownerScope } from './auth';
import { encodeCursor } from '../db/generation-search';
import { parseOrThrow } from './validate';
import { settledCost } from './views';

export interface BatchServiceDeps {
  batches: BatchesRepo;
  temporal: Client;
  logger: Logger;
  taskQueue?: string;
  /** Children per workflow run before continue-as-new; default BatchLimits.childrenPerRun. */
  childrenPerRun?: number;
  /** Where the batch workflow's start is recorded (with the batch) for the dispatchers to make. */
  outbox: SubmitOutbox;
  /** GENFLOW_WEBHOOK_SECRET: signs the batch's completion callback; without it `webhookUrl` is refused. */
  webhookSecret?: string;
  /** TEST ONLY: a loopback `webhookUrl` is accepted. */
  allowLoopbackWebhooks?: boolean;
}

const iso = (d: Date | string | null): string | undefined => (d === null ? undefined : new Date(d).toISOString());

/** Validates one item like a single generation; an error names the item's index. */
export function normalizeBatchItem(item: unknown, index: number) {
  try {
    const body = parseOrThrow(createGenerationBody, item);
    // Not carried into batch items (yet): refused rather than silently dropped.
    if (body.webhookUrl !== undefined) throw new GenflowError('INVALID_REQUEST', 'webhookUrl: give the batch one callback in options.webhookUrl');
    if (body.fallbackModels !== undefined) throw new GenflowError('INVALID_REQUEST', 'fallbackModels: not supported for batch items yet');
    if (body.frameId !== undefined || body.shotId !== undefined) {
      throw new GenflowError('INVALID_REQUEST', `${body.frameId !== undefined ? 'frameId' : 'shotId'}: not supported for batch items yet; attach each generation later (POST /v1/shots/{id}/generations)`);
    }
    return normalizeRequest(body);
  } catch (err) {
    if (!(err instanceof GenflowError)) throw err;
    throw new GenflowError(err.code, `requests[${index}]: ${err.message}`, { details: { index, error: err.toBody() } });
  }
}

export function createBatchService(deps: BatchServiceDeps) {
  const { batches, temporal, logger } = deps;
  const taskQueue = deps.taskQueue ?? TaskQueue.generations;

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

  async function view(row: BatchRow, fromIndex: number, limit: number): Promise<BatchView> {
    const [base, items] = await Promise.all([summary(row), batches.listItems(row.id, fromIndex, limit)]);
    const last = items.at(-1)?.batch_index;
    const result: BatchView = {
      ...base,
      items: items.map((i) => ({
        index: i.batch_index ?? 0,
        generationId: i.id,
        model: i.model,
        status: i.status,
        ...(i.error_code ? { error: { code: i.error_code, message: i.error_message ?? '' } } : {}),
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
      const items: NewGeneration[] = [];
      let estimatedCost = 0;
      body.requests.forEach((raw, index) => {
        const { request, entry } = normalizeBatchItem(raw, index);
        const cost = estimateCost(entry, request);
        estimatedCost += cost;
        const generationId = randomUUID();
        items.push({
          id: generationId,
          workflow_id: generationWorkflowId(generationId),
          model: entry.model.id,
          provider: entry.provider.id,
          kind: request.kind,
          status: 'queued',
          prompt: request.prompt,
          parameters: JSON.stringify(request.parameters),
          input_images: JSON.stringify(request.inputImages),
          number_of_outputs: request.numberOfOutputs,
          provider_task_id: null,
          error_code: null,
          error_message: null,
          error_details: null,
          idempotency_key: null,
          request_hash: createHash('sha256').update(JSON.stringify(request)).digest('hex'),
          started_at: null,
          completed_at: null,
          batch_id: id,
          batch_index: index,
          estimated_cost: cost,
          owner: caller?.owner ?? null,
          api_key_id: caller?.keyId ?? null,
        });
      });
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
        total: items.length,
        maxConcurrency,
        stopOnError,
        ...(deps.childrenPerRun ? { childrenPerRun: deps.childrenPerRun } : {}),
        ...(webhookUrl ? { webhookUrl } : {}),
      };
      await deps.outbox.admit();
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
        (trx) =>
          deps.outbox.repo.enqueue(
            {
              workflowId: batchWorkflowId(id),
              workflowType: 'batchWorkflow',
              taskQueue,
              args: [input],
              searchAttributes: { batchId: id, ...(caller?.owner ? { owner: caller.owner } : {}) },
              batchId: id,
            },
            trx,
          ),
      );
      if (!created) {
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

    async get(id: string, cursor: number, limit: number, caller?: Principal): Promise<BatchView> {
      return view(await find(id, caller), cursor, limit);
    },

    /** Cancels the batch workflow, which cancels its running children and the unstarted items. */
    async cancel(id: string, caller?: Principal): Promise<BatchView> {
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
      return view(await find(id), 0, BatchLimits.defaultListLimit);
    },
  };
}
export type BatchService = ReturnType<typeof createBatchService>;
