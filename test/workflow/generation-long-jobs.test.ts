import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackActivities } from '../../activities/client-callback';
import type { GenerationActivities, PollOutcome, SubmitOutcome } from '../../activities/generation-activities';
import type { GenerationAttempt } from '../../domain/attempts';
import type { ErrorBody } from '../../domain/errors';
import type { GenerationProgress, GenerationWorkflowInput, StoredAsset } from '../../domain/generation';
import type { PollingPolicy } from '../../domain/models';
import { PROVIDER_UPDATE_SIGNAL, type WebhookTarget } from '../../domain/webhooks';
import type { generationWorkflow } from '../../workflows/generation';
import { createTimeSkippingEnv, recordHistories, runGenerationWorkflow, saveHistory } from '../support/time-skipping';

const asset: StoredAsset = { id: 'a1', index: 0, storageKey: 'generations/x/0.png', contentType: 'image/png', bytes: 10, sha256: 'abc' };
const policy: PollingPolicy = { initialDelayMs: 30_000, intervalMs: 5_000, maxIntervalMs: 60_000, maxTotalMs: 2 * 60 * 60 * 1000 };

function workflowModel(id: string, polling: PollingPolicy = policy) {
  return { id, provider: 'local', async: true, polling: { ...polling } };
}

function input(overrides: Partial<GenerationWorkflowInput> = {}): GenerationWorkflowInput {
  return {
    generationId: randomUUID(),
    request: { model: 'local/x', kind: 'text-to-image', prompt: 'p', parameters: {}, inputImages: [], numberOfOutputs: 1 },
    model: workflowModel('local/x'),
    ...overrides,
  };
}

interface Finished {
  status: string;
  error?: ErrorBody;
  outcome?: { resultModel?: string; attempts?: GenerationAttempt[] };
}

/** Typed mock activities recording what the workflow asked for, and when (workflow time). */
function mockActivities(overrides: Partial<GenerationActivities & CallbackActivities>) {
  const calls = {
    finished: [] as Finished[],
    submits: [] as string[],
    submitTimes: [] as number[],
    pollTimes: [] as number[],
    cancelTimes: [] as number[],
    cancels: 0,
    callbacks: [] as WebhookTarget[],
  };
  const base: GenerationActivities & CallbackActivities = {
    recordRunning: async () => undefined,
    enhancePrompt: async (i) => i.request.prompt,
    submitToProvider: async (): Promise<SubmitOutcome> => ({ status: 'pending', taskId: 'task-1' }),
    pollProvider: async (): Promise<PollOutcome> => ({ status: 'succeeded', assets: [asset] }),
    cancelProviderTask: async () => {
      calls.cancels += 1;
      calls.cancelTimes.push(Context.current().info.currentAttemptScheduledTimestampMs);
    },
    finishGeneration: async (_id, status, error, outcome) => {
      calls.finished.push({ status, ...(error ? { error } : {}), ...(outcome ? { outcome } : {}) });
    },
    deliverClientCallback: async () => undefined,
    ...overrides,
  };
  const activities: GenerationActivities & CallbackActivities = {
    ...base,
    submitToProvider: (i) => {
      calls.submits.push(i.model.id);
      calls.submitTimes.push(Context.current().info.currentAttemptScheduledTimestampMs);
      return base.submitToProvider(i);
    },
    pollProvider: (i, t) => {
      // Scheduled time on the server's (skipped) clock: the workflow's own view of time.
      calls.pollTimes.push(Context.current().info.currentAttemptScheduledTimestampMs);
      return base.pollProvider(i, t);
    },
    deliverClientCallback: (target) => {
      calls.callbacks.push(target);
      return base.deliverClientCallback(target);
    },
  };
  return { activities, calls };
}

describe('generationWorkflow: polling, webhooks, continue-as-new, fallbacks, client callbacks', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const run = <T>(
    activities: GenerationActivities & CallbackActivities,
    wfInput: GenerationWorkflowInput,
    body: (handle: WorkflowHandleWithFirstExecutionRunId<typeof generationWorkflow>) => Promise<T>,
    history?: { name: string; firstRun?: string },
  ) => runGenerationWorkflow(env, activities, wfInput, body, history);

  it('polls first after the expected duration, then backs off exponentially with jitter up to the cap', async () => {
    const sequences: number[][] = [];
    for (let round = 0; round < 2; round++) {
      let polls = 0;
      const { activities, calls } = mockActivities({
        pollProvider: async () => (++polls < 9 ? { status: 'running' } : { status: 'succeeded', assets: [asset] }),
      });
      const result = await run(activities, input(), (h) => h.result());
      expect(result.status).toBe('succeeded');
      const times = [calls.submitTimes[0]!, ...calls.pollTimes];
      sequences.push(calls.pollTimes.slice(1).map((t, i) => t - calls.pollTimes[i]!));
      const first = times[1]! - times[0]!;
      // 30 s ±20 %; the gap also holds a few ms of activity time.
      expect(first).toBeGreaterThanOrEqual(24_000);
      expect(first).toBeLessThanOrEqual(36_000 + 500);
    }
    for (const gaps of sequences) {
      // 5, 10, 20, 40, then the 60 s cap; each ±20 %, never above the cap.
      const bases = [5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000];
      expect(gaps).toHaveLength(bases.length);
      gaps.forEach((gap, i) => {
        expect(gap).toBeGreaterThanOrEqual(bases[i]! * 0.8 - 50);
        expect(gap).toBeLessThanOrEqual(Math.min(bases[i]! * 1.2, 60_000) + 500);
      });
    }
    // Two workflows started alike do not poll in lockstep.
    expect(sequences[0]!.map((g) => Math.round(g / 100))).not.toEqual(sequences[1]!.map((g) => Math.round(g / 100)));
  });

  it('a provider update signal wakes the wait at once: one poll, long before the first poll was due', async () => {
    const slow = input({ model: workflowModel('local/x', { ...policy, initialDelayMs: 60 * 60_000 }) });
    const { activities, calls } = mockActivities({});
    const before = await run(
      activities,
      slow,
      async (handle) => {
        await env.sleep('1 minute');
        const waiting = await handle.query<GenerationProgress>('progress');
        // A webhook about some other task changes nothing.
        await handle.signal(PROVIDER_UPDATE_SIGNAL, { taskId: 'another-task' });
        await env.sleep('1 minute');
        const stillWaiting = await handle.query<GenerationProgress>('progress');
        await handle.signal(PROVIDER_UPDATE_SIGNAL, { taskId: 'task-1' });
        // A duplicate delivery of the same webhook.
        await handle.signal(PROVIDER_UPDATE_SIGNAL, { taskId: 'task-1' }).catch(() => undefined);
        await handle.result();
        return [waiting.polls, stillWaiting.polls];
      },
      { name: 'webhook-signalled' },
    );
    expect(before).toEqual([0, 0]);
    expect(calls.pollTimes).toHaveLength(1);
    // Polled right after the signal (2 minutes in), not at the hour the first poll was due.
    expect(calls.pollTimes[0]! - calls.submitTimes[0]!).toBeLessThan(10 * 60_000);
    expect(calls.finished.map((f) => f.status)).toEqual(['succeeded']);
  });

  it('a webhook that arrives before the submit returned is not lost', async () => {
    const slow = input({ model: workflowModel('local/x', { ...policy, initialDelayMs: 60 * 60_000 }) });
    let handleRef: WorkflowHandle<typeof generationWorkflow> | undefined;
    const { activities, calls } = mockActivities({
      submitToProvider: async () => {
        // The provider calls back while the submit is still answering.
        await handleRef!.signal(PROVIDER_UPDATE_SIGNAL, { taskId: 'task-1' });
        return { status: 'pending', taskId: 'task-1' };
      },
    });
    await run(activities, slow, async (handle) => {
      handleRef = handle;
      await handle.result();
    });
    expect(calls.pollTimes).toHaveLength(1);
    expect(calls.pollTimes[0]! - calls.submitTimes[0]!).toBeLessThan(60_000);
  });

  it('continues as new while waiting, carrying the task, poll count and deadline', async () => {
    let polls = 0;
    const { activities, calls } = mockActivities({
      pollProvider: async () => (++polls < 40 ? { status: 'running', progress: polls / 40 } : { status: 'succeeded', assets: [asset] }),
    });
    const wfInput = input({ maxHistoryEvents: 60 });
    const { result, firstRun } = await run(
      activities,
      wfInput,
      async (handle) => {
        const result = await handle.result();
        const firstRun = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
        return { result, firstRun };
      },
      { name: 'continue-as-new', firstRun: 'continue-as-new-first-run' },
    );
    expect(result.status).toBe('succeeded');
    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
    // Submitted once; the later runs resumed polling the same task.
    expect(calls.submits).toEqual(['local/x']);
    expect(calls.pollTimes).toHaveLength(40);
    expect(calls.finished).toHaveLength(1);
    expect(calls.finished[0]?.outcome?.attempts).toEqual([expect.objectContaining({ model: 'local/x', status: 'succeeded' })]);
    // Backoff carried over: the 40 polls are spaced as one sequence, capped, not restarted at 5 s.
    const gaps = calls.pollTimes.slice(1).map((t, i) => t - calls.pollTimes[i]!);
    expect(gaps.slice(10).every((g) => g >= 48_000)).toBe(true);
  });

  it('the deadline holds across continue-as-new: TASK_TIMEOUT at the max duration, provider task cancelled', async () => {
    const { activities, calls } = mockActivities({ pollProvider: async () => ({ status: 'running' }) });
    const wfInput = input({ maxHistoryEvents: 40, model: workflowModel('local/x', { ...policy, maxTotalMs: 20 * 60_000 }) });
    await run(activities, wfInput, (handle) => handle.result().catch(() => undefined));
    expect(calls.finished[0]?.error?.code).toBe('TASK_TIMEOUT');
    expect(calls.cancels).toBe(1);
    const elapsed = calls.cancelTimes[0]! - calls.submitTimes[0]!;
    expect(elapsed).toBeGreaterThanOrEqual(20 * 60_000);
    expect(elapsed).toBeLessThan(22 * 60_000);
  });

  it('falls back to the next model when the first is unavailable, recording every attempt', async () => {
    const { activities, calls } = mockActivities({
      submitToProvider: async (i) => {
        if (i.model.id === 'local/x') throw ApplicationFailure.create({ type: 'PROVIDER_UNAVAILABLE', message: 'down' });
        return { status: 'pending', taskId: `task-${i.model.id}` };
      },
    });
    const wfInput = input({
      fallbacks: [{ request: { ...input().request, model: 'local/y' }, model: workflowModel('local/y') }],
    });
    const result = await run(activities, wfInput, (h) => h.result(), { name: 'fallback' });
    expect(result.status).toBe('succeeded');
    // Five attempts on the first model (its retry policy), then one on the fallback.
    expect(calls.submits).toEqual(['local/x', 'local/x', 'local/x', 'local/x', 'local/x', 'local/y']);
    const outcome = calls.finished[0]?.outcome;
    expect(outcome?.resultModel).toBe('local/y');
    expect(outcome?.attempts).toEqual([
      expect.objectContaining({ model: 'local/x', status: 'failed', code: 'PROVIDER_UNAVAILABLE', message: 'down' }),
      expect.objectContaining({ model: 'local/y', status: 'succeeded' }),
    ]);
  });

  it('does not fall back on a failure that any model would repeat (a rejected prompt)', async () => {
    const { activities, calls } = mockActivities({
      submitToProvider: async () => {
        throw ApplicationFailure.create({ type: 'CONTENT_REJECTED', message: 'no', nonRetryable: true });
      },
    });
    const wfInput = input({ fallbacks: [{ request: { ...input().request, model: 'local/y' }, model: workflowModel('local/y') }] });
    await run(activities, wfInput, (h) => h.result().catch(() => undefined));
    expect(calls.submits).toEqual(['local/x']);
    expect(calls.finished[0]?.error?.code).toBe('CONTENT_REJECTED');
  });

  it('calls the client back once, and a dead client endpoint neither fails nor delays the generation', async () => {
    const { activities, calls } = mockActivities({
      submitToProvider: async () => ({ status: 'succeeded', assets: [asset] }),
      deliverClientCallback: async () => {
        throw ApplicationFailure.create({ type: 'PROVIDER_UNAVAILABLE', message: 'connection refused' });
      },
    });
    const wfInput = input({ webhookUrl: 'https://client.example/hook' });
    const result = await run(activities, wfInput, async (handle) => {
      const r = await handle.result();
      // The delivery goes on by itself (retries with backoff) after the generation is done.
      const child = env.client.workflow.getHandle(`webhook_generation_${wfInput.generationId}`);
      expect(await child.result()).toMatchObject({ delivered: false });
      if (recordHistories) saveHistory(env, 'client-callback-retries-exhausted', child.workflowId);
      return r;
    }, { name: 'client-callback' });
    expect(result.status).toBe('succeeded');
    expect(calls.finished.map((f) => f.status)).toEqual(['succeeded']);
    expect(calls.callbacks.length).toBe(8);
    expect(new Set(calls.callbacks.map((c) => JSON.stringify(c)))).toEqual(
      new Set([JSON.stringify({ kind: 'generation', id: wfInput.generationId, url: 'https://client.example/hook', deliveryId: wfInput.generationId })]),
    );
  });
});
