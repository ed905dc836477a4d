import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationActivities, PollOutcome, SubmitOutcome } from '../../activities/generation-activities';
import type { ErrorBody } from '../../domain/errors';
import type { GenerationProgress, GenerationWorkflowInput, StoredAsset } from '../../domain/generation';
import type { generationWorkflow } from '../../workflows/generation';
import { createTimeSkippingEnv, runGenerationWorkflow } from '../support/time-skipping';

const asset: StoredAsset = {
  id: 'a1',
  index: 0,
  storageKey: 'generations/x/0.png',
  contentType: 'image/png',
  bytes: 10,
  sha256: 'abc',
  width: 64,
  height: 64,
};

function input(async: boolean): GenerationWorkflowInput {
  return {
    generationId: randomUUID(),
    request: { model: 'local/x', kind: 'text-to-image', prompt: 'p', parameters: {}, inputImages: [], numberOfOutputs: 1 },
    model: {
      id: 'local/x',
      provider: 'local',
      async,
      polling: { initialDelayMs: 5_000, maxIntervalMs: 60_000, maxTotalMs: 2 * 60 * 60 * 1000 },
    },
  };
}

/** Typed mock activities that record what the workflow asked for. */
function mockActivities(overrides: Partial<GenerationActivities>) {
  const calls = { finished: [] as Array<{ status: string; error?: ErrorBody }>, submits: 0, polls: 0, cancels: 0 };
  const activities: GenerationActivities = {
    recordRunning: async () => undefined,
    enhancePrompt: async (i) => `${i.request.prompt}, enhanced`,
    submitToProvider: async (): Promise<SubmitOutcome> => ({ status: 'succeeded', assets: [asset] }),
    pollProvider: async (): Promise<PollOutcome> => ({ status: 'succeeded', assets: [asset] }),
    cancelProviderTask: async () => {
      calls.cancels += 1;
    },
    finishGeneration: async (_id, status, error) => {
      calls.finished.push({ status, ...(error ? { error } : {}) });
    },
    ...overrides,
  };
  const counted: GenerationActivities = {
    ...activities,
    submitToProvider: (i) => {
      calls.submits += 1;
      return activities.submitToProvider(i);
    },
    pollProvider: (i, t) => {
      calls.polls += 1;
      return activities.pollProvider(i, t);
    },
  };
  return { activities: counted, calls };
}


describe('generationWorkflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const run = <T>(activities: GenerationActivities, wfInput: GenerationWorkflowInput, body: (handle: WorkflowHandle<typeof generationWorkflow>) => Promise<T>, historyName?: string) =>
    runGenerationWorkflow(env, activities, wfInput, body, historyName ? { name: historyName } : undefined);

  it('finishes a sync generation with the provider outputs', async () => {
    const { activities, calls } = mockActivities({});
    const result = await run(activities, input(false), (h) => h.result(), 'sync-success');
    expect(result).toEqual({ status: 'succeeded', assets: [asset] });
    expect(calls.submits).toBe(1);
    expect(calls.polls).toBe(0);
    expect(calls.finished).toEqual([{ status: 'succeeded' }]);
  });

  it('enhances the prompt first when asked, and generates with the enhanced prompt', async () => {
    const prompts: string[] = [];
    const { activities, calls } = mockActivities({
      submitToProvider: async (i) => {
        prompts.push(i.request.prompt);
        return { status: 'succeeded', assets: [asset] };
      },
    });
    const wfInput = input(false);
    wfInput.request.prompt = 'a fox';
    wfInput.enhance = {
      request: { model: 'local/text', kind: 'text-to-text', prompt: 'a fox', parameters: {}, inputImages: [], numberOfOutputs: 1 },
      model: { id: 'local/text', provider: 'local', async: false, polling: wfInput.model.polling },
    };
    const result = await run(activities, wfInput, (h) => h.result(), 'enhance-prompt');
    expect(result.status).toBe('succeeded');
    expect(prompts).toEqual(['a fox, enhanced']);
    expect(calls.finished).toEqual([{ status: 'succeeded' }]);
  });

  it('fails the generation with the enhancer error code when enhancement fails', async () => {
    const { activities, calls } = mockActivities({
      enhancePrompt: async () => {
        throw ApplicationFailure.create({ type: 'CONTENT_REJECTED', message: 'no', nonRetryable: true });
      },
    });
    const wfInput = input(false);
    wfInput.enhance = {
      request: { model: 'local/text', kind: 'text-to-text', prompt: 'p', parameters: {}, inputImages: [], numberOfOutputs: 1 },
      model: { id: 'local/text', provider: 'local', async: false, polling: wfInput.model.polling },
    };
    await run(activities, wfInput, (h) => h.result().catch(() => undefined));
    expect(calls.submits).toBe(0);
    expect(calls.finished[0]?.error?.code).toBe('CONTENT_REJECTED');
  });

  it('waits for an async job over many polls: minutes of workflow time in seconds of wall time', async () => {
    let polls = 0;
    const { activities, calls } = mockActivities({
      submitToProvider: async () => ({ status: 'pending', taskId: 'task-1' }),
      pollProvider: async () => {
        polls += 1;
        return polls < 20 ? { status: 'running', progress: polls / 20 } : { status: 'succeeded', assets: [asset] };
      },
    });
    const wallStart = Date.now();
    const skewStart = await env.currentTimeMs();
    const result = await run(activities, input(true), (h) => h.result(), 'async-success');
    const workflowMs = (await env.currentTimeMs()) - skewStart;
    expect(result.status).toBe('succeeded');
    expect(calls.polls).toBe(20);
    // 5 s doubling to a 60 s cap: 5+10+20+40 + 16×60 s ≈ 17 min of workflow time.
    expect(workflowMs).toBeGreaterThan(15 * 60_000);
    expect(Date.now() - wallStart).toBeLessThan(30_000);
  });

  it('retries a retryable provider failure and then succeeds', async () => {
    let attempts = 0;
    const { activities, calls } = mockActivities({
      submitToProvider: async () => {
        attempts += 1;
        if (attempts < 3) throw ApplicationFailure.create({ type: 'RATE_LIMITED', message: 'slow down', nextRetryDelay: '10 seconds' });
        return { status: 'succeeded', assets: [asset] };
      },
    });
    const result = await run(activities, input(false), (h) => h.result(), 'retry-then-success');
    expect(result.status).toBe('succeeded');
    expect(calls.submits).toBe(3);
  });

  it('fails at once on a non-retryable code and records it', async () => {
    const { activities, calls } = mockActivities({
      submitToProvider: async () => {
        throw ApplicationFailure.create({ type: 'CONTENT_REJECTED', message: 'prompt rejected', nonRetryable: true });
      },
    });
    const err = await run(activities, input(false), (h) => h.result().then(() => undefined, (e: unknown) => e), 'non-retryable-failure');
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe('CONTENT_REJECTED');
    expect(calls.submits).toBe(1);
    expect(calls.finished).toEqual([{ status: 'failed', error: { code: 'CONTENT_REJECTED', message: 'prompt rejected' } }]);
  });

  it('gives up on a retryable failure after a bounded number of attempts', async () => {
    const { activities, calls } = mockActivities({
      submitToProvider: async () => {
        throw ApplicationFailure.create({ type: 'PROVIDER_UNAVAILABLE', message: 'down' });
      },
    });
    await run(activities, input(false), (h) => h.result().catch(() => undefined));
    expect(calls.submits).toBe(5);
    expect(calls.finished[0]?.error?.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('answers the progress query while a job runs', async () => {
    let polls = 0;
    const { activities } = mockActivities({
      submitToProvider: async () => ({ status: 'pending', taskId: 'task-2' }),
      pollProvider: async () => {
        polls += 1;
        return polls < 1_000 ? { status: 'running', progress: Math.min(0.99, polls / 10) } : { status: 'succeeded', assets: [asset] };
      },
    });
    const seen = await run(activities, input(true), async (handle) => {
      await env.sleep('3 minutes');
      const progress = await handle.query<GenerationProgress>('progress');
      // Left running, the workflow would hold the test server's shared clock still.
      await handle.cancel();
      await handle.result().catch(() => undefined);
      return progress;
    });
    expect(seen.status).toBe('running');
    expect(seen.providerTaskId).toBe('task-2');
    expect(seen.polls).toBeGreaterThan(0);
    expect(seen.progress).toBeGreaterThan(0);
    expect(seen.progress).toBeLessThan(1);
  });

  it('times out a job that never finishes, cancelling it at the provider', async () => {
    const { activities, calls } = mockActivities({
      submitToProvider: async () => ({ status: 'pending', taskId: 'task-3' }),
      pollProvider: async () => ({ status: 'running', progress: 0.5 }),
    });
    const wfInput = input(true);
    wfInput.model.polling.maxTotalMs = 10 * 60_000;
    await run(activities, wfInput, (h) => h.result().catch(() => undefined));
    expect(calls.finished[0]?.error?.code).toBe('TASK_TIMEOUT');
    expect(calls.cancels).toBe(1);
  });

  it('on cancel, cancels the provider task and records canceled', async () => {
    const { activities, calls } = mockActivities({
      submitToProvider: async () => ({ status: 'pending', taskId: 'task-4' }),
      pollProvider: async () => ({ status: 'running', progress: 0.1 }),
    });
    await run(activities, input(true), async (handle) => {
      await env.sleep('1 minute');
      await handle.cancel();
      await handle.result().catch(() => undefined);
    }, 'canceled');
    expect(calls.cancels).toBe(1);
    expect(calls.finished.map((f) => f.status)).toEqual(['canceled']);
  });
});
