import type { Logger } from 'pino';
import { BatchLimits, type BatchCounts, type BatchPageItem, type BatchStatus } from '../domain/batch';
import type { ErrorBody } from '../domain/errors';
import type { GenerationRequest } from '../domain/generation';
import type { ModelKind } from '../domain/models';
import type { BatchesRepo } from '../db/batches-repo';
import type { GenerationsRepo } from '../db/generations-repo';
import { modelRuntime } from '../providers/model-runtime';
import { findModel } from '../providers/registry';
import { withFailureMapping } from './to-failure';

export interface BatchActivityDeps {
  batches: BatchesRepo;
  repo: GenerationsRepo;
  logger: Logger;
  /** Provider settings (rate limits decide the provider activity queue). */
  env: Record<string, string | undefined>;
}

export function createBatchActivities(deps: BatchActivityDeps) {
  const { batches, repo, logger } = deps;
  return {
    /**
     * The next items of a batch from Postgres, bounded by count and payload size: the workflow
     * never holds more than a page, whatever the batch's size.
     */
    async loadBatchPage(batchId: string, fromIndex: number, maxItems: number): Promise<BatchPageItem[]> {
      return withFailureMapping(async () => {
        const rows = await batches.listItems(batchId, fromIndex, Math.min(maxItems, BatchLimits.pageItems));
        const starts = await batches.startsOf(rows.map((r) => r.id));
        const page: BatchPageItem[] = [];
        let bytes = 0;
        for (const row of rows) {
          const request: GenerationRequest = {
            model: row.model,
            kind: row.kind as ModelKind,
            prompt: row.prompt,
            parameters: row.parameters,
            inputImages: row.input_images,
            numberOfOutputs: row.number_of_outputs,
          };
          const entry = findModel(row.model);
          const index = row.batch_index ?? 0;
          // Recorded at submit by the one submission path (api/submission.ts); items of batches
          // accepted before it get the input rebuilt from their row, as they did then.
          const start = starts.get(row.id);
          const item: BatchPageItem = start && entry
            ? { index, input: start.input, ...(Object.keys(start.search_attributes).length > 0 ? { searchAttributes: start.search_attributes } : {}) }
            : entry
            ? { index, input: { generationId: row.id, request, model: modelRuntime(entry, deps.env) } }
            : {
                index,
                input: { generationId: row.id, request, model: { id: row.model, provider: '', async: false, polling: { initialDelayMs: 0, maxIntervalMs: 0, maxTotalMs: 0 } } },
                rejected: { code: 'INVALID_REQUEST', message: `model '${row.model}' is no longer available` },
              };
          bytes += JSON.stringify(item).length;
          if (page.length > 0 && bytes > BatchLimits.pageBytes) break;
          page.push(item);
        }
        return page;
      });
    },

    /** Records an item that could not be started as failed. */
    async rejectBatchItem(generationId: string, error: ErrorBody): Promise<void> {
      await withFailureMapping(() => repo.finish(generationId, 'failed', error));
    },

    async cancelUnstartedItems(batchId: string, fromIndex: number, reason: string): Promise<number> {
      return withFailureMapping(() => batches.cancelUnstarted(batchId, fromIndex, { code: 'CANCELED', message: reason }));
    },

    async finishBatch(batchId: string, status: BatchStatus): Promise<{ actualCost: number; counts: BatchCounts }> {
      return withFailureMapping(async () => {
        const result = await batches.finish(batchId, status);
        logger.info({ batchId, status, actualCost: result.actualCost }, 'batch finished');
        return result;
      });
    },
  };
}

export type BatchActivities = ReturnType<typeof createBatchActivities>;
