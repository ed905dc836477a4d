import type { Logger } from 'pino';
import { BatchLimits, type BatchCounts, type BatchItemDependency, type BatchPageItem, type BatchStatus } from '../domain/batch';
import type { ErrorBody } from '../domain/errors';
import type { GenerationRequest, GenerationWorkflowInput } from '../domain/generation';
import { readBody } from '../media/safe-fetch';
import type { Storage } from '../media/storage/types';
import { UPLOAD_REF } from '../media/uploads';
import type { ModelKind } from '../domain/models';
import type { BatchesRepo } from '../db/batches-repo';
import type { GenerationsRepo } from '../db/generations-repo';
import { workflowModel } from '../providers/workflow-model';
import type { ModelCatalogue } from '../providers/catalogue';
import { withFailureMapping } from './to-failure';

export interface BatchActivityDeps {
  batches: BatchesRepo;
  repo: GenerationsRepo;
  /** Where a dependent item's input (an earlier item's output) is copied for it. */
  storage: Storage;
  logger: Logger;
  /** Provider settings (rate limits decide the provider activity queue). */
  env: Record<string, string | undefined>;
  /** Where an item's model is looked up (built-in and custom providers). */
  catalogue: ModelCatalogue;
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
          const entry = deps.catalogue.findModel(row.model);
          const index = row.batch_index ?? 0;
          // Recorded at submit by the one submission path (api/submission.ts); items of batches
          // accepted before it get the input rebuilt from their row, as they did then.
          const start = starts.get(row.id);
          const item: BatchPageItem = start && entry
            ? {
                index,
                input: start.input,
                ...(Object.keys(start.search_attributes).length > 0 ? { searchAttributes: start.search_attributes } : {}),
                ...(start.depends_on.length > 0 ? { dependsOn: start.depends_on } : {}),
              }
            : entry
            ? { index, input: { generationId: row.id, request, model: workflowModel(entry, deps.env) } }
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

    /**
     * The input of an item whose input images are earlier items' outputs, once those have
     * ended: each such image becomes a copy of the item's first stored output, under the
     * dependent generation's own uploads (where its workflow reads inline inputs). When an
     * earlier item did not succeed, or made no image, the item is recorded failed with
     * DEPENDENCY_FAILED and not started.
     */
    async resolveBatchItemInputs(batchId: string, input: GenerationWorkflowInput, dependsOn: BatchItemDependency[]): Promise<{ input: GenerationWorkflowInput } | { rejected: ErrorBody }> {
      return withFailureMapping(async () => {
        const { generationId } = input;
        const sources = new Map((await batches.itemsAt(batchId, dependsOn.map((d) => d.fromItem))).map((r) => [r.batch_index, r]));
        const reject = async (error: ErrorBody) => {
          await repo.finish(generationId, 'failed', error);
          return { rejected: error };
        };
        const images = [...input.request.inputImages];
        for (const { image, fromItem } of dependsOn) {
          const source = sources.get(fromItem);
          if (source?.status !== 'succeeded') {
            const outcome = source?.error_code ? `${source.status} (${source.error_code})` : (source?.status ?? 'missing');
            return reject({
              code: 'DEPENDENCY_FAILED',
              message: `inputImages[${image}] is the output of item ${fromItem}, which ${source?.status === 'queued' ? 'never ran' : `ended ${outcome}`}`,
              details: { fromItem, status: source?.status ?? null, ...(source?.error_code ? { code: source.error_code } : {}) },
            });
          }
          const asset = (await repo.listAssets(source.id)).find((a) => a.content_type.startsWith('image/'));
          const stored = asset ? await deps.storage.get(asset.storage_key) : undefined;
          if (!asset || !stored) {
            return reject({ code: 'DEPENDENCY_FAILED', message: `inputImages[${image}] is the output of item ${fromItem}, which stored no image`, details: { fromItem, status: source.status } });
          }
          const key = `uploads/${generationId}/${image}`;
          await deps.storage.put(key, await readBody(stored.stream), asset.content_type);
          images[image] = `${UPLOAD_REF}${key}`;
        }
        await batches.setInputImages(generationId, images);
        const withImages = (request: GenerationRequest): GenerationRequest => ({ ...request, inputImages: images });
        return {
          input: {
            ...input,
            request: withImages(input.request),
            ...(input.fallbacks ? { fallbacks: input.fallbacks.map((f) => ({ ...f, request: withImages(f.request) })) } : {}),
          },
        };
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
