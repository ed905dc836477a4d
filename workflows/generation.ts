import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { GenerationActivities } from '../activities/generation-activities';
import type { MediaActivities } from '../activities/media-activities';
import type { ErrorBody } from '../domain/errors';
import type { GenerationProgress, GenerationResult, GenerationWorkflowInput, StoredAsset } from '../domain/generation';
import { pollDelayMs } from '../domain/polling';
import { reportToExperiment } from './experiment-report';
import { toErrorBody } from './failures';

/** Bookkeeping against our own database: retried until it works, so an outage only delays. */
const bookkeeping = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Provider calls: bounded retries; non-retryable codes fail at once (set by the activity). */
const providerRetry = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 };
// A sync render or the download of a finished video may take minutes, so start-to-close is long;
// the activities heartbeat, and the short heartbeat timeout retries a call lost with a crashed
// worker within seconds.
const providerOptions = { startToCloseTimeout: '10 minutes', heartbeatTimeout: '30 seconds', retry: providerRetry } as const;
const provider = proxyActivities<GenerationActivities>(providerOptions);

/** Fetching and preprocessing input images: a refused or broken image fails at once (set by the activity). */
const media = proxyActivities<MediaActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
});

/**
 * A rate-limited provider's calls go to its own activity queue, where Temporal enforces the
 * limit for all workers together. Without one, activities stay on the workflow's queue, so the
 * commands of workflows without a limit (and of recorded histories) are unchanged.
 */
function providerCalls(taskQueue: string | undefined): typeof provider {
  return taskQueue ? proxyActivities<GenerationActivities>({ ...providerOptions, taskQueue }) : provider;
}

export const progressQuery = defineQuery<GenerationProgress>('progress');

export async function generationWorkflow(input: GenerationWorkflowInput): Promise<GenerationResult> {
  const state: GenerationProgress = { status: 'queued', progress: 0, polls: 0 };
  const calls = providerCalls(input.model.taskQueue);
  setHandler(progressQuery, () => state);
  // Temporal's workflow logger: silent during replay, and it adds the workflow and run ids.
  const logged = { generationId: input.generationId, model: input.request.model, ...(input.requestId ? { requestId: input.requestId } : {}) };
  log.info('generation started', logged);

  try {
    // Inside the try: a cancel that arrives while this runs still records `canceled`.
    await bookkeeping.recordRunning(input.generationId);
    state.status = 'running';
    // Optional steps run only when the request asks for them, so histories recorded before
    // they existed replay unchanged.
    if (input.enhance) {
      const prompt = await providerCalls(input.enhance.model.taskQueue).enhancePrompt(input);
      state.enhancedPrompt = prompt;
      input = { ...input, request: { ...input.request, prompt } };
    }
    const preparedInputs = input.request.inputImages.length > 0 ? await media.prepareInputs(input) : undefined;
    const submitted = await calls.submitToProvider(preparedInputs ? { ...input, preparedInputs } : input);
    let assets: StoredAsset[];
    if (submitted.status === 'succeeded') {
      assets = submitted.assets;
    } else {
      state.providerTaskId = submitted.taskId;
      assets = await waitForTask(input, submitted.taskId, state);
    }
    await bookkeeping.finishGeneration(input.generationId, 'succeeded');
    state.status = 'succeeded';
    state.progress = 1;
    log.info('generation succeeded', { ...logged, outputs: assets.length });
    await reportToExperiment(input, true);
    return { status: 'succeeded', assets };
  } catch (err) {
    if (isCancellation(err)) {
      // The workflow's own scope is cancelled; cleanup must still run to completion.
      await CancellationScope.nonCancellable(async () => {
        if (state.providerTaskId) await calls.cancelProviderTask(input, state.providerTaskId).catch(() => undefined);
        await bookkeeping.finishGeneration(input.generationId, 'canceled', { code: 'CANCELED', message: 'canceled' });
      });
      state.status = 'canceled';
      log.info('generation canceled', logged);
      throw err;
    }
    const error = toErrorBody(err);
    const status = error.code === 'CANCELED' ? 'canceled' : 'failed';
    await bookkeeping.finishGeneration(input.generationId, status, error);
    state.status = status;
    log.info(`generation ${status}`, { ...logged, errorCode: error.code, error: error.message });
    if (status === 'failed') await reportToExperiment(input, false);
    // Failing the workflow (not returning) keeps the Temporal UI's status filter truthful.
    throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true, details: [error] });
  }
}

async function waitForTask(input: GenerationWorkflowInput, taskId: string, state: GenerationProgress): Promise<StoredAsset[]> {
  const policy = input.model.polling;
  const calls = providerCalls(input.model.taskQueue);
  const started = Date.now();
  for (let poll = 0; ; poll++) {
    const elapsed = Date.now() - started;
    if (elapsed >= policy.maxTotalMs) {
      await calls.cancelProviderTask(input, taskId).catch(() => undefined);
      throw timeoutFailure(policy.maxTotalMs);
    }
    await sleep(Math.min(pollDelayMs(policy, poll), policy.maxTotalMs - elapsed));
    const result = await calls.pollProvider(input, taskId);
    state.polls += 1;
    if (result.status === 'succeeded') return result.assets;
    if (result.status === 'canceled') {
      const error: ErrorBody = { code: 'CANCELED', message: 'the provider canceled the task' };
      throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true });
    }
    if (result.progress !== undefined) state.progress = result.progress;
  }
}

function timeoutFailure(maxTotalMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'TASK_TIMEOUT',
    message: `the provider task did not finish within ${Math.round(maxTotalMs / 1000)} s`,
    nonRetryable: true,
  });
}
