import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { ErrorBody } from '../domain/errors';
import { ProviderError } from '../domain/errors';
import { MAX_PROMPT_LENGTH, type GenerationWorkflowInput, type StoredAsset } from '../domain/generation';
import type { GenerationsRepo } from '../db/generations-repo';
import { inputsForAdapter, type FetchPolicy } from '../media/prepare-inputs';
import { storeOutputs } from '../media/store-outputs';
import { readText } from '../media/text-output';
import type { Storage } from '../media/storage/types';
import { findModel } from '../providers/registry';
import type { ProviderRuntime } from '../providers/runtime';
import { withHeartbeat } from './heartbeat';
import { withFailureMapping } from './to-failure';
import { waitForDatabase } from './wait-for-database';

export interface ActivityDeps {
  repo: GenerationsRepo;
  storage: Storage;
  providers: ProviderRuntime;
  logger: Logger;
  /** How user and provider URLs may be fetched; loopback is allowed only by tests. */
  fetchPolicy?: FetchPolicy;
}

export type SubmitOutcome = { status: 'succeeded'; assets: StoredAsset[] } | { status: 'pending'; taskId: string };
export type PollOutcome =
  | { status: 'pending' | 'running'; progress?: number }
  | { status: 'succeeded'; assets: StoredAsset[] }
  | { status: 'canceled' };

function callContext(generationId: string) {
  const ctx = Context.current();
  return { generationId, attempt: ctx.info.attempt, signal: ctx.cancellationSignal };
}

export function createActivities(deps: ActivityDeps) {
  const { repo, storage, logger } = deps;

  async function persistAssets(generationId: string, assets: StoredAsset[]): Promise<void> {
    for (const asset of assets) await waitForDatabase(() => repo.upsertAsset(generationId, asset), { signal: Context.current().cancellationSignal });
  }

  return {
    async recordRunning(generationId: string): Promise<void> {
      await withFailureMapping(() => repo.markRunning(generationId));
    },

    /**
     * Runs the text-to-text model of `input.enhance` on the prompt and records its answer as the
     * enhanced prompt, which the workflow then generates with.
     */
    async enhancePrompt(input: GenerationWorkflowInput): Promise<string> {
      return withFailureMapping(async () => {
        const { generationId, enhance } = input;
        if (!enhance) throw new ProviderError('INTERNAL_ERROR', 'enhancePrompt called without an enhancement request');
        const result = await deps.providers.call(enhance.model.provider, callContext(generationId), (adapter, ctx) =>
          adapter.submit(enhance.request, ctx),
        );
        if (result.status !== 'succeeded') {
          throw new ProviderError('UNSUPPORTED_CAPABILITY', `prompt enhancer ${enhance.model.id} answered with an async task`, { retryable: false });
        }
        const [first] = result.outputs;
        const text = first ? (await readText(first, deps.fetchPolicy ?? {})).trim().slice(0, MAX_PROMPT_LENGTH) : '';
        if (!text) throw new ProviderError('PROVIDER_ERROR', `prompt enhancer ${enhance.model.id} returned no text`);
        await repo.recordEnhancedPrompt(generationId, text);
        logger.info({ generationId, model: enhance.model.id }, 'prompt enhanced');
        return text;
      });
    },

    /** One provider call; a sync result is stored before returning, so no bytes cross Temporal. */
    async submitToProvider(input: GenerationWorkflowInput): Promise<SubmitOutcome> {
      return withFailureMapping(() => withHeartbeat(async () => {
        const { generationId, model } = input;
        if (Context.current().info.attempt > 1) {
          // A retry whose earlier attempt submitted and recorded a task, but whose completion never
          // reached Temporal (worker killed, Temporal down): resume that task, don't pay twice.
          const row = await waitForDatabase(() => repo.findById(generationId), { signal: Context.current().cancellationSignal });
          if (row?.provider_task_id && row.model === model.id) {
            logger.warn({ generationId, taskId: row.provider_task_id, model: model.id }, 'resuming the provider task of an earlier attempt');
            return { status: 'pending', taskId: row.provider_task_id };
          }
        }
        let request = input.request;
        if (input.preparedInputs) {
          // The adapter sees the preprocessed images, as data URLs or presigned URLs per its model.
          const mode = findModel(model.id)?.model.inputImages.mode ?? 'either';
          request = { ...request, inputImages: await inputsForAdapter(storage, input.preparedInputs, mode, request.inputImages) };
        }
        const result = await deps.providers.call(model.provider, callContext(generationId), (adapter, ctx) =>
          adapter.submit(request, ctx),
        );
        if (result.status === 'pending') {
          // Persisted at once: if the worker dies now, the task id is not lost with it.
          await waitForDatabase(() => repo.recordProviderTask(generationId, result.taskId), { signal: Context.current().cancellationSignal });
          logger.info({ generationId, taskId: result.taskId, model: model.id }, 'provider task submitted');
          return { status: 'pending', taskId: result.taskId };
        }
        const assets = await storeOutputs(storage, generationId, result.outputs, { policy: deps.fetchPolicy ?? {} });
        await persistAssets(generationId, assets);
        return { status: 'succeeded', assets };
      }));
    },

    async pollProvider(input: GenerationWorkflowInput, taskId: string): Promise<PollOutcome> {
      return withFailureMapping(() => withHeartbeat(async () => {
        const { generationId, request, model } = input;
        const result = await deps.providers.call(model.provider, callContext(generationId), (adapter, ctx) => {
          if (!adapter.poll) throw new ProviderError('INTERNAL_ERROR', `provider ${model.provider} cannot poll tasks`);
          return adapter.poll(taskId, request, ctx);
        });
        if (result.status === 'succeeded') {
          const assets = await storeOutputs(storage, generationId, result.outputs, { policy: deps.fetchPolicy ?? {} });
          await persistAssets(generationId, assets);
          return { status: 'succeeded', assets };
        }
        if (result.status !== 'canceled' && result.progress !== undefined) {
          const progress = result.progress;
          await waitForDatabase(() => repo.recordProgress(generationId, progress), { signal: Context.current().cancellationSignal });
        }
        return result;
      }));
    },

    async cancelProviderTask(input: GenerationWorkflowInput, taskId: string): Promise<void> {
      await withFailureMapping(async () => {
        await deps.providers.call(input.model.provider, callContext(input.generationId), (adapter, ctx) =>
          adapter.cancel ? adapter.cancel(taskId, ctx) : Promise.resolve(),
        );
      });
    },

    async finishGeneration(
      generationId: string,
      status: 'succeeded' | 'failed' | 'canceled',
      error?: ErrorBody,
    ): Promise<void> {
      await withFailureMapping(async () => {
        await repo.finish(generationId, status, error);
        logger.info({ generationId, status, errorCode: error?.code }, 'generation finished');
      });
    },
  };
}

export type GenerationActivities = ReturnType<typeof createActivities>;
