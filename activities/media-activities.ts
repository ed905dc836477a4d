import { activityLogger } from './activity-logger';
import type { Logger } from 'pino';
import { GenflowError } from '../domain/errors';
import type { GenerationWorkflowInput } from '../domain/generation';
import type { PreparedInput, RetentionSweep } from '../domain/media';
import type { GenerationsRepo } from '../db/generations-repo';
import type { FetchPolicy } from '../media/fetch-policy';
import { prepareInputImages } from '../media/prepare-inputs';
import { DEFAULT_PRESET, PREPROCESS_PRESETS } from '../media/preprocess-presets';
import type { Storage } from '../media/storage/types';
import type { ModelCatalogue } from '../providers/catalogue';
import type { ErrorLogsRepo } from '../db/error-logs-repo';
import { createErrorLog } from './error-log';
import { withFailureMapping } from './to-failure';

export interface MediaActivityDeps {
  repo: GenerationsRepo;
  storage: Storage;
  logger: Logger;
  /** How user and provider URLs may be fetched; loopback is allowed only by tests. */
  fetchPolicy?: FetchPolicy;
  /** Where failed attempts are recorded; absent, they are not. */
  errorLogs?: ErrorLogsRepo;
  /** Where an input's model (its preprocessing preset) is looked up. */
  catalogue: ModelCatalogue;
}

export function createMediaActivities(deps: MediaActivityDeps) {
  const { repo, storage, logger } = deps;
  const errors = createErrorLog({ logger, ...(deps.errorLogs ? { errorLogs: deps.errorLogs } : {}) });
  return {
    /**
     * Fetches (safely), validates and preprocesses the request's input images per the model's
     * preset and stores them; the submit activity turns them into what the adapter takes.
     */
    async prepareInputs(input: GenerationWorkflowInput): Promise<PreparedInput[]> {
      const subject = { generationId: input.generationId, provider: input.model.provider, model: input.model.id };
      return errors.logged('prepare-inputs', subject, () => withFailureMapping(async () => {
        const entry = await deps.catalogue.findModelFresh(input.model.id);
        if (!entry) throw new GenflowError('INTERNAL_ERROR', `unknown model ${input.model.id}`, { retryable: false });
        const presetName = entry.model.preprocess ?? DEFAULT_PRESET;
        const prepared = await prepareInputImages({
          storage,
          generationId: input.generationId,
          inputs: input.request.inputImages,
          preset: PREPROCESS_PRESETS[presetName],
          policy: deps.fetchPolicy ?? {},
        });
        activityLogger(logger, input.generationId, input.requestId).info({ preset: presetName, images: prepared.length }, 'input images prepared');
        return prepared;
      }));
    },

    /**
     * One batch of the retention sweep: deletes up to `limit` assets stored before `cutoff`
     * (their objects, then their rows) and the uploaded and prepared inputs of their generations.
     */
    async sweepExpiredAssets(cutoffIso: string, limit: number): Promise<RetentionSweep> {
      return withFailureMapping(async () => {
        const assets = await repo.listAssetsCreatedBefore(new Date(cutoffIso), limit);
        const generations = [...new Set(assets.map((a) => a.generation_id))];
        for (const asset of assets) await storage.delete(asset.storage_key);
        for (const id of generations) {
          await storage.deletePrefix(`inputs/${id}/`);
          await storage.deletePrefix(`uploads/${id}/`);
        }
        await repo.deleteAssets(assets.map((a) => a.id));
        return { assets: assets.length, generations: generations.length, files: 0 };
      });
    },

    /** Removes whatever else in local storage is older than the cutoff (orphans, half-written parts). */
    async sweepOldFiles(cutoffIso: string): Promise<number> {
      return withFailureMapping(async () => (storage.removeOlderThan ? storage.removeOlderThan(new Date(cutoffIso)) : 0));
    },
  };
}

export type MediaActivities = ReturnType<typeof createMediaActivities>;
