import {
  ApplicationFailure,
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { GenerationActivities } from '../activities/generation-activities';
import type { MediaActivities } from '../activities/media-activities';
import { fallsBack, type GenerationAttempt } from '../domain/attempts';
import type { ErrorBody } from '../domain/errors';
import type { GenerationProgress, GenerationResult, GenerationWorkflowInput, ProviderUpdate, StoredAsset } from '../domain/generation';
import { jitteredPollDelayMs, pollDelayMs } from '../domain/polling';
import { GenflowSearchAttributes } from '../domain/search-attributes';
import type { GenerationStatus } from '../domain/status';
import { PROVIDER_UPDATE_SIGNAL } from '../domain/webhooks';
import { notifyClient } from './client-callback';
import { reportToExperiment } from './experiment-report';
import { toErrorBody } from './failures';

/** Bookkeeping against our own database: retried until it works, so an outage only delays. */
const bookkeepingOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const bookkeeping = proxyActivities<GenerationActivities>(bookkeepingOptions);

/**
 * Marking the row running is one short, idempotent UPDATE: as a local activity it runs in the
 * worker that holds the workflow task, without a round trip through the server's task queue
 * (~50 ms on the dev server, a quarter of a fast generation; README, Performance). Retried
 * the same way; past a minute of retries the SDK waits between them with a durable timer.
 */
const localBookkeeping = proxyLocalActivities<GenerationActivities>(bookkeepingOptions);

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
/** Sent by the API when a provider reports on a task (verified webhook): the workflow polls at once. */
export const providerUpdateSignal = defineSignal<[ProviderUpdate]>(PROVIDER_UPDATE_SIGNAL);

/** Runs recorded before polls had jitter keep their exact delays on replay. */
const JITTER_PATCH = 'poll-jitter';
/** Runs recorded before recordRunning became a local activity replay it as a remote one. */
const LOCAL_RECORD_RUNNING_PATCH = 'local-record-running';
/**
 * Runs recorded before GenflowStatus was upserted issue no upsert commands on replay; runs whose
 * input has `statusSearchAttribute` (the starter found it registered) upsert it at each change.
 */
const STATUS_SEARCH_ATTRIBUTE_PATCH = 'genflow-status-search-attribute';
/** A run hands over to a fresh one (continue-as-new) well before Temporal's 50k-event limit. */
const DEFAULT_MAX_HISTORY_EVENTS = 4_000;

/** Tasks a verified webhook reported on and whose workflow has not polled since. */
type Wakeups = Set<string>;

export async function generationWorkflow(input: GenerationWorkflowInput): Promise<GenerationResult> {
  const resume = input.resume;
  const state: GenerationProgress = { status: 'queued', progress: 0, polls: resume?.polls ?? 0 };
  const wakeups: Wakeups = new Set();
  const candidates = [{ request: input.request, model: input.model }, ...(input.fallbacks ?? [])];
  const attempts: GenerationAttempt[] = [...(resume?.attempts ?? [])];
  let index = resume?.candidate ?? 0;
  let current = input;
  let attemptStartedAt = resume?.attemptStartedAt ?? '';
  setHandler(progressQuery, () => state);
  // The first input's flag: later copies (enhanced prompt, fallbacks) keep it, but read it once.
  const upsertsStatus = input.statusSearchAttribute === true;
  /** The status the progress query answers, and GenflowStatus in the namespace's visibility. */
  function setStatus(status: GenerationStatus): void {
    state.status = status;
    if (upsertsStatus && patched(STATUS_SEARCH_ATTRIBUTE_PATCH)) upsertSearchAttributes([{ key: GenflowSearchAttributes.status, value: status }]);
  }
  // Temporal's workflow logger: silent during replay, and it adds the workflow and run ids.
  const logged = { generationId: input.generationId, model: input.request.model, ...(input.requestId ? { requestId: input.requestId } : {}) };
  log.info('generation started', logged);
  // Early (before the submit returned) and duplicate deliveries are kept by task id; a late one
  // for a task no longer awaited is never looked at.
  setHandler(providerUpdateSignal, (update) => void wakeups.add(update.taskId));

  try {
    // Inside the try: a cancel that arrives while this runs still records `canceled`.
    if (resume) {
      input = { ...input, request: { ...input.request, prompt: resume.prompt } };
    } else if (patched(LOCAL_RECORD_RUNNING_PATCH)) {
      await localBookkeeping.recordRunning(input.generationId);
    } else {
      await bookkeeping.recordRunning(input.generationId);
    }
    setStatus('running');
    // Optional steps run only when the request asks for them, so histories recorded before
    // they existed replay unchanged.
    if (input.enhance && !resume) {
      const prompt = await providerCalls(input.enhance.model.taskQueue).enhancePrompt(input);
      state.enhancedPrompt = prompt;
      input = { ...input, request: { ...input.request, prompt } };
    }
    let assets: StoredAsset[];
    for (;;) {
      const candidate = candidates[index]!;
      // The first model keeps the workflow's own input, so recorded histories see the same calls.
      current = index === 0 ? input : { ...input, request: { ...candidate.request, prompt: input.request.prompt }, model: candidate.model };
      const calls = providerCalls(candidate.model.taskQueue);
      const resuming = resume !== undefined && resume.candidate === index;
      const startedAt = resuming ? resume.attemptStartedAt : new Date().toISOString();
      attemptStartedAt = startedAt;
      state.model = candidate.model.id;
      try {
        if (resuming) {
          state.providerTaskId = resume.taskId;
          assets = await waitForTask(current, resume.taskId, state, wakeups, { startedMs: resume.waitStartedMs, polls: resume.polls }, handOver);
        } else {
          const preparedInputs = current.request.inputImages.length > 0 ? await media.prepareInputs(current) : undefined;
          const submitted = await calls.submitToProvider(preparedInputs ? { ...current, preparedInputs } : current);
          if (submitted.status === 'succeeded') {
            assets = submitted.assets;
          } else {
            state.providerTaskId = submitted.taskId;
            assets = await waitForTask(current, submitted.taskId, state, wakeups, undefined, handOver);
          }
        }
        attempts.push({ model: candidate.model.id, status: 'succeeded', startedAt, finishedAt: new Date().toISOString() });
        break;
      } catch (err) {
        if (isCancellation(err) || err instanceof ContinueAsNew) throw err;
        const error = toErrorBody(err);
        attempts.push({
          model: candidate.model.id,
          status: error.code === 'CANCELED' ? 'canceled' : 'failed',
          code: error.code,
          message: error.message,
          startedAt,
          finishedAt: new Date().toISOString(),
        });
        if (index + 1 >= candidates.length || !fallsBack(error.code)) throw err;
        index += 1;
        delete state.providerTaskId;
        state.progress = 0;
      }
    }
    state.attempts = attempts;
    await bookkeeping.finishGeneration(input.generationId, 'succeeded', undefined, { resultModel: current.model.id, attempts });
    setStatus('succeeded');
    state.progress = 1;
    log.info('generation succeeded', { ...logged, outputs: assets.length });
    await reportToExperiment(input, true);
    if (input.webhookUrl) await notifyClient({ kind: 'generation', id: input.generationId, url: input.webhookUrl, deliveryId: input.generationId });
    return { status: 'succeeded', assets };
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    state.attempts = attempts;
    if (isCancellation(err)) {
      // The workflow's own scope is cancelled; cleanup must still run to completion.
      await CancellationScope.nonCancellable(async () => {
        if (state.providerTaskId) await providerCalls(current.model.taskQueue).cancelProviderTask(current, state.providerTaskId).catch(() => undefined);
        const error: ErrorBody = { code: 'CANCELED', message: 'canceled' };
        await bookkeeping.finishGeneration(input.generationId, 'canceled', error, { attempts: withCanceled(attempts, state.model, attemptStartedAt) });
        if (input.webhookUrl) await notifyClient({ kind: 'generation', id: input.generationId, url: input.webhookUrl, deliveryId: input.generationId });
      });
      setStatus('canceled');
      log.info('generation canceled', logged);
      throw err;
    }
    const error = toErrorBody(err);
    const status = error.code === 'CANCELED' ? 'canceled' : 'failed';
    await bookkeeping.finishGeneration(input.generationId, status, error, { attempts });
    setStatus(status);
    log.info(`generation ${status}`, { ...logged, errorCode: error.code, error: error.message });
    if (status === 'failed') await reportToExperiment(input, false);
    if (input.webhookUrl) await notifyClient({ kind: 'generation', id: input.generationId, url: input.webhookUrl, deliveryId: input.generationId });
    // Failing the workflow (not returning) keeps the Temporal UI's status filter truthful.
    throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true, details: [error] });
  }

  /** Continues as new while waiting: the next run resumes the wait on the same task, deadline included. */
  async function handOver(taskId: string, wait: { startedMs: number; polls: number }): Promise<never> {
    const { enhance: _enhance, preparedInputs: _prepared, ...rest } = input;
    return continueAsNew<typeof generationWorkflow>({
      ...rest,
      request: candidates[0]!.request,
      resume: { candidate: index, taskId, waitStartedMs: wait.startedMs, polls: wait.polls, attempts, attemptStartedAt, prompt: input.request.prompt },
    });
  }
}

/** A cancel mid-attempt: the attempt in flight ends `canceled`. */
function withCanceled(attempts: GenerationAttempt[], model: string | undefined, startedAt: string): GenerationAttempt[] {
  if (!model) return attempts;
  const now = new Date().toISOString();
  return [...attempts, { model, status: 'canceled', code: 'CANCELED', message: 'canceled', startedAt: startedAt || now, finishedAt: now }];
}

type HandOver = (taskId: string, wait: { startedMs: number; polls: number }) => Promise<never>;

/**
 * Polls until the task ends: first after the model's expected duration, then with jittered
 * exponential backoff up to a cap, each wait cut short by a webhook about this task. Past the
 * model's max duration the task is cancelled at the provider and the generation times out.
 */
async function waitForTask(
  input: GenerationWorkflowInput,
  taskId: string,
  state: GenerationProgress,
  wakeups: Wakeups,
  from: { startedMs: number; polls: number } | undefined,
  handOver: HandOver,
): Promise<StoredAsset[]> {
  const policy = input.model.polling;
  const calls = providerCalls(input.model.taskQueue);
  const jitter = patched(JITTER_PATCH);
  const started = from?.startedMs ?? Date.now();
  const maxEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  for (let poll = from?.polls ?? 0; ; poll++) {
    const elapsed = Date.now() - started;
    if (elapsed >= policy.maxTotalMs) {
      await calls.cancelProviderTask(input, taskId).catch(() => undefined);
      throw timeoutFailure(policy.maxTotalMs);
    }
    const delay = jitter ? jitteredPollDelayMs(policy, poll, Math.random) : pollDelayMs(policy, poll);
    await condition(() => wakeups.has(taskId), Math.min(delay, policy.maxTotalMs - elapsed));
    wakeups.delete(taskId);
    const result = await calls.pollProvider(input, taskId);
    state.polls += 1;
    if (result.status === 'succeeded') return result.assets;
    if (result.status === 'canceled') {
      const error: ErrorBody = { code: 'CANCELED', message: 'the provider canceled the task' };
      throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true });
    }
    if (result.progress !== undefined) state.progress = result.progress;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= maxEvents) {
      await handOver(taskId, { startedMs: started, polls: poll + 1 });
    }
  }
}
function timeoutFailure(maxTotalMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'TASK_TIMEOUT',
    message: `the provider task did not finish within ${Math.round(maxTotalMs / 1000)} s`,
    nonRetryable: true,
  });
}
