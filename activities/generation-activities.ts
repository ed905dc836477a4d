import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { GenerationAttempt } from '../domain/attempts';
import type { ProviderCharge } from '../domain/charges';
import type { ErrorBody } from '../domain/errors';
import { GenflowError, ProviderError } from '../domain/errors';
import { MAX_PROMPT_LENGTH, type GenerationWorkflowInput, type StoredAsset } from '../domain/generation';
import type { GenerationsRepo } from '../db/generations-repo';
import type { FetchPolicy } from '../media/fetch-policy';
import { inputsForAdapter } from '../media/prepare-inputs';
import { storeOutputs } from '../media/store-outputs';
import { readText } from '../media/text-output';
import type { Storage } from '../media/storage/types';
import { estimateCost } from '../providers/pricing';
import type { ProviderGateway } from '../providers/provider-gateway';
import type { ModelSpec } from '../providers/types';
import type { ErrorLogsRepo } from '../db/error-logs-repo';
import { createErrorLog } from './error-log';
import { activityLogger } from './activity-logger';
import { withHeartbeat } from './heartbeat';
import { isTerminal, type GenerationStatus } from '../domain/status';
import type { GenflowMetrics } from '../runtime/metrics';
import { withFailureMapping } from './to-failure';
import { waitForDatabase } from './wait-for-database';

export interface ActivityDeps {
  repo: GenerationsRepo;
  storage: Storage;
  providers: ProviderGateway;
  logger: Logger;
  /** How user and provider URLs may be fetched; loopback is allowed only by tests. */
  fetchPolicy?: FetchPolicy;
  /** Where failed attempts are recorded (GET /v1/errors, alert rules); absent, they are not. */
  errorLogs?: ErrorLogsRepo;
  /** Counts finished generations and their cost (runtime/metrics.ts). */
  metrics?: Pick<GenflowMetrics, 'generationFinished'>;
  /**
   * GENFLOW_PUBLIC_URL: when set, async submits carry a callback URL to /v1/webhooks/:provider.
   * Read at each call, so a test stack can set it once its server listens.
   */
  publicUrl?: string;
  /** GENFLOW_WEBHOOK_SECRET: signs the callbacks to clients' `webhookUrl`s. */
  webhookSecret?: string;
}

/**
 * Whether a failed submit leaves no doubt that the provider made no job: anything but a timeout
 * or a failure of our own (a reset connection may come after the provider took the request).
 */
function clearRefusal(err: unknown): boolean {
  return err instanceof GenflowError && err.code !== 'PROVIDER_TIMEOUT' && err.code !== 'INTERNAL_ERROR';
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

export function createGenerationActivities(deps: ActivityDeps) {
  const { repo, storage, logger } = deps;
  const errors = createErrorLog({ logger, redact: (t) => deps.providers.redact(t), ...(deps.errorLogs ? { errorLogs: deps.errorLogs } : {}) });
  const subject = (input: GenerationWorkflowInput) => ({ generationId: input.generationId, provider: input.model.provider, model: input.model.id });

  /** `<public>/v1/webhooks/<provider>?generation=…&token=…`: the token authenticates unsigned providers. */
  async function providerCallbackUrl(generationId: string, provider: string): Promise<string | undefined> {
    const base = deps.publicUrl?.replace(/\/+$/, '');
    if (!base) return undefined;
    const token = await waitForDatabase(() => repo.callbackToken(generationId, randomBytes(24).toString('base64url')), { signal: Context.current().cancellationSignal });
    return `${base}/v1/webhooks/${encodeURIComponent(provider)}?generation=${generationId}&token=${token}`;
  }

  async function persistAssets(generationId: string, assets: StoredAsset[]): Promise<void> {
    for (const asset of assets) await waitForDatabase(() => repo.upsertAsset(generationId, asset), { signal: Context.current().cancellationSignal });
  }

  /** A charge the provider reported is money spent: recorded first, whatever happens next. */
  async function recordCharge(generationId: string, model: string, charge: ProviderCharge | undefined): Promise<void> {
    if (!charge) return;
    await waitForDatabase(() => repo.recordProviderCharge(generationId, model, charge), { signal: Context.current().cancellationSignal });
  }

  /** A failed task the provider charged for (the error carries the charge): recorded, then rethrown. */
  async function recordChargeOf(generationId: string, model: string, err: unknown): Promise<never> {
    if (err instanceof GenflowError) await recordCharge(generationId, model, err.charge);
    throw err;
  }

  /**
   * The key (by id) that submitted the task: its polls, cancels and the downloads of its outputs
   * use it. Undefined for a task recorded before keys were (the pool rotates, as it did then).
   */
  function taskKey(input: GenerationWorkflowInput, taskId: string): Promise<string | undefined> {
    return waitForDatabase(() => repo.providerTaskKey(input.generationId, taskId, input.model.id), { signal: Context.current().cancellationSignal });
  }

  /**
   * A model that continues an earlier task (`ModelSpec.sourceTask`, Kie's extends): a source named
   * by its genflow generation becomes that generation's provider task id, and when genflow made
   * the source task (named either way) the submit is pinned to the key that made it — the task id
   * means nothing to another account. Only the caller's own generations are sources: another
   * owner's is answered as one that does not exist.
   */
  async function sourceTaskOf(input: GenerationWorkflowInput, spec: ModelSpec | undefined): Promise<{ parameters: Record<string, unknown>; keyId?: string }> {
    const parameters = input.request.parameters;
    const source = spec?.sourceTask;
    if (!source) return { parameters };
    const signal = Context.current().cancellationSignal;
    const provider = input.model.provider;
    const self = await waitForDatabase(() => repo.findById(input.generationId), { signal });
    const sameOwner = (row: { owner: string | null }) => (row.owner ?? null) === (self?.owner ?? null);
    const sourceGeneration = parameters[source.generationParameter];
    if (typeof sourceGeneration === 'string') {
      const row = await waitForDatabase(() => repo.findById(sourceGeneration), { signal });
      const taskModel = row ? (row.provider_task_model ?? row.model) : '';
      if (!row || !sameOwner(row) || row.status !== 'succeeded' || !row.provider_task_id || !source.models.includes(taskModel)) {
        throw new ProviderError('INVALID_PARAMETERS', `${source.generationParameter}: no finished generation ${sourceGeneration} of yours that ${input.model.id} can continue`, {
          retryable: false,
          details: { parameter: source.generationParameter, models: source.models },
        });
      }
      const { [source.generationParameter]: _named, ...rest } = parameters;
      return { parameters: { ...rest, [source.taskIdParameter]: row.provider_task_id }, ...(row.provider_task_key ? { keyId: row.provider_task_key } : {}) };
    }
    const taskId = parameters[source.taskIdParameter];
    if (typeof taskId !== 'string') return { parameters };
    // A task id genflow made: its key. One made elsewhere (or by another owner): the pool's rotation.
    const row = await waitForDatabase(() => repo.findByProviderTask(provider, taskId), { signal });
    return row && sameOwner(row) && row.provider_task_key ? { parameters, keyId: row.provider_task_key } : { parameters };
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
      const enhancer = input.enhance ? { generationId: input.generationId, provider: input.enhance.model.provider, model: input.enhance.model.id } : subject(input);
      return errors.logged('enhance', enhancer, () => withFailureMapping(async () => {
        const { generationId, enhance } = input;
        if (!enhance) throw new ProviderError('INTERNAL_ERROR', 'enhancePrompt called without an enhancement request');
        const result = await deps.providers.call(enhance.model.provider, callContext(generationId), (adapter, ctx) =>
          adapter.submit(enhance.request, ctx),
        { model: enhance.model.id });
        if (result.status !== 'succeeded') {
          throw new ProviderError('UNSUPPORTED_CAPABILITY', `prompt enhancer ${enhance.model.id} answered with an async task`, { retryable: false });
        }
        const [first] = result.outputs;
        const text = first ? (await readText(first, deps.fetchPolicy ?? {})).trim().slice(0, MAX_PROMPT_LENGTH) : '';
        if (!text) throw new ProviderError('PROVIDER_ERROR', `prompt enhancer ${enhance.model.id} returned no text`);
        await waitForDatabase(() => repo.recordEnhancedPrompt(generationId, text), { signal: Context.current().cancellationSignal });
        activityLogger(logger, generationId, input.requestId).info({ model: enhance.model.id }, 'prompt enhanced');
        return text;
      }));
    },

    /**
     * One provider call; a sync result is stored before returning, so no bytes cross Temporal.
     * At least once: a task id is persisted the moment it exists, and a retry that finds one of
     * this model adopts it instead of submitting (and paying) again.
     */
    async submitToProvider(input: GenerationWorkflowInput): Promise<SubmitOutcome> {
      return errors.logged('submit', subject(input), () => withFailureMapping(() => withHeartbeat(async () => {
        const { generationId, model } = input;
        // Waits out a database outage in place: failing here would spend the provider retries.
        const entry = await deps.providers.catalogue.findModelFresh(model.id);
        // Before the submit is counted: a source that cannot be continued fails it without a call.
        const source = await sourceTaskOf(input, entry?.model);
        const estimate = entry ? estimateCost(entry, input.request) : undefined;
        const begun = await waitForDatabase(() => repo.beginSubmit(generationId, model.id, estimate), { signal: Context.current().cancellationSignal });
        if (begun.existingTaskId) {
          logger.warn({ generationId, taskId: begun.existingTaskId, model: model.id }, 'adopting the provider task of an earlier submit attempt');
          return { status: 'pending', taskId: begun.existingTaskId };
        }
        let request = source.parameters === input.request.parameters ? input.request : { ...input.request, parameters: source.parameters };
        if (input.preparedInputs) {
          // The adapter sees the preprocessed images, as data URLs or presigned URLs per its model.
          const mode = entry?.model.inputImages.mode ?? 'either';
          request = { ...request, inputImages: await inputsForAdapter(storage, input.preparedInputs, mode, request.inputImages) };
        }
        const callbackUrl = model.async ? await providerCallbackUrl(generationId, model.provider) : undefined;
        const context = { ...callContext(generationId), idempotencyKey: `${generationId}:${model.id}`, ...(callbackUrl ? { callbackUrl } : {}) };
        let result;
        let keyId: string | undefined;
        try {
          ({ value: result, keyId } = await deps.providers.callKeyed(model.provider, context, (adapter, ctx) => adapter.submit(request, ctx), {
            model: model.id,
            ...(source.keyId ? { keyId: source.keyId } : {}),
          }));
        } catch (err) {
          if (clearRefusal(err)) await waitForDatabase(() => repo.endSubmit(generationId), { signal: Context.current().cancellationSignal });
          return recordChargeOf(generationId, model.id, err);
        }
        if (result.status === 'pending') {
          // Persisted at once: if the worker dies now, the task id is not lost with it.
          // Waits out a database outage: failing here would repeat the paid submit on retry.
          // With the key's id: the task lives in that key's account, so its polls must use it.
          await waitForDatabase(() => repo.recordProviderTask(generationId, result.taskId, model.id, keyId), { signal: Context.current().cancellationSignal });
          activityLogger(logger, generationId, input.requestId).info({ taskId: result.taskId, model: model.id }, 'provider task submitted');
          return { status: 'pending', taskId: result.taskId };
        }
        // After a paid call every database write waits out an outage: failing would resubmit.
        await recordCharge(generationId, model.id, result.charge);
        const assets = await storeOutputs(storage, generationId, result.outputs, { policy: deps.fetchPolicy ?? {} });
        await persistAssets(generationId, assets);
        await waitForDatabase(() => repo.endSubmit(generationId), { signal: Context.current().cancellationSignal });
        return { status: 'succeeded', assets };
      })));
    },

    async pollProvider(input: GenerationWorkflowInput, taskId: string): Promise<PollOutcome> {
      return errors.logged('poll', subject(input), () => withFailureMapping(() => withHeartbeat(async () => {
        const { generationId, request, model } = input;
        const keyId = await taskKey(input, taskId);
        const result = await deps.providers
          .call(model.provider, callContext(generationId), (adapter, ctx) => {
            if (!adapter.poll) throw new ProviderError('INTERNAL_ERROR', `provider ${model.provider} cannot poll tasks`);
            return adapter.poll(taskId, request, ctx);
          }, keyId ? { keyId } : {})
          .catch((err: unknown) => recordChargeOf(generationId, model.id, err));
        if (result.status === 'succeeded') {
          await recordCharge(generationId, model.id, result.charge);
          const assets = await storeOutputs(storage, generationId, result.outputs, { policy: deps.fetchPolicy ?? {} });
          await persistAssets(generationId, assets);
          return { status: 'succeeded', assets };
        }
        if (result.status !== 'canceled' && result.progress !== undefined) {
          const progress = result.progress;
          await waitForDatabase(() => repo.recordProgress(generationId, progress), { signal: Context.current().cancellationSignal });
        }
        return result;
      })));
    },

    async cancelProviderTask(input: GenerationWorkflowInput, taskId: string): Promise<void> {
      await errors.logged('cancel', subject(input), () => withFailureMapping(async () => {
        const keyId = await taskKey(input, taskId);
        await deps.providers.call(input.model.provider, callContext(input.generationId), (adapter, ctx) =>
          adapter.cancel ? adapter.cancel(taskId, ctx) : Promise.resolve(),
        keyId ? { keyId } : {});
      }));
    },

    async finishGeneration(
      generationId: string,
      status: 'succeeded' | 'failed' | 'canceled',
      error?: ErrorBody,
      outcome?: { resultModel?: string; attempts?: GenerationAttempt[] },
    ): Promise<void> {
      await withFailureMapping(async () => {
        // Read once, first: a retried activity must not count the same generation twice, and
        // the error log takes the provider and model from the same row.
        const logFailure = status === 'failed' && error !== undefined;
        const before = deps.metrics || logFailure ? await repo.findById(generationId) : undefined;
        const settled = await repo.finish(generationId, status, error, outcome);
        if (deps.metrics && before && !isTerminal(before.status as GenerationStatus)) {
          deps.metrics?.generationFinished({ model: before.model, provider: before.provider, status, costUsd: settled?.costUsd ?? 0 });
        }
        activityLogger(logger, generationId).info({ status, errorCode: error?.code }, 'generation finished');
        if (logFailure) await errors.record('finish', { generationId, ...(before ? { provider: before.provider, model: before.model } : {}) }, error);
      });
    },
  };
}

export type GenerationActivities = ReturnType<typeof createGenerationActivities>;
