import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExperimentActivities } from '../../activities/experiment-activities';
import type { GenerationActivities } from '../../activities/generation-activities';
import { createExperimentBody, experimentWorkflowId, toDefinition, type CreateExperimentBody, type ExperimentOutcome } from '../../domain/experiment';
import type { ExperimentState } from '../../domain/experiment-state';
import type { GenerationWorkflowInput } from '../../domain/generation';
import type { experimentWorkflow, ExperimentWorkflowInput } from '../../workflows/experiment';
import { createTimeSkippingEnv, recordHistories, saveHistory } from '../support/time-skipping';

const record = recordHistories;

function input(overrides: Partial<CreateExperimentBody> = {}, extra: Partial<ExperimentWorkflowInput> = {}): ExperimentWorkflowInput {
  const body = createExperimentBody.parse({
    name: 'wf test',
    variants: [
      { name: 'A', model: 'local/image' },
      { name: 'B', model: 'local/image' },
    ],
    allocation: { type: 'fixed', weights: [1, 1] },
    metrics: [{ name: 'success_rate', goal: 'maximize' }],
    recomputeIntervalSeconds: 10,
    ...overrides,
  });
  return { definition: toDefinition(randomUUID(), body), ...extra };
}

/** Outcomes for one variant: `successes` of `n` succeed. */
function outcomes(variantId: string, n: number, successes: number, costUsd = 0): ExperimentOutcome[] {
  return Array.from({ length: n }, (_, i) => ({ generationId: randomUUID(), variantId, success: i < successes, latencyMs: 800 + 10 * i, costUsd }));
}

describe('experimentWorkflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run<T>(
    wfInput: ExperimentWorkflowInput,
    body: (handle: WorkflowHandle<typeof experimentWorkflow>, persisted: ExperimentState[]) => Promise<T>,
    historyName?: string,
    extraActivities: Partial<GenerationActivities> = {},
  ): Promise<T> {
    const persisted: ExperimentState[] = [];
    const activities: ExperimentActivities = {
      persistExperimentState: async (_id, state) => {
        persisted.push(structuredClone(state));
      },
    };
    const taskQueue = `exp-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: { ...activities, ...extraActivities },
    });
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof experimentWorkflow>('experimentWorkflow', {
        taskQueue,
        workflowId: experimentWorkflowId(wfInput.definition.id),
        args: [wfInput],
      });
      try {
        return await body(handle, persisted);
      } finally {
        await handle.terminate('test over').catch(() => undefined);
        if (record && historyName) {
          saveHistory(env, `experiment-${historyName}`, handle.workflowId);
        }
      }
    });
  }

  async function send(handle: WorkflowHandle<typeof experimentWorkflow>, list: ExperimentOutcome[]) {
    for (const o of list) await handle.signal('outcome', o);
  }

  it('moves draft → running → paused → running → completed, persisting each status', async () => {
    const result = await run(input(), async (handle, persisted) => {
      expect((await handle.query<ExperimentState>('state')).status).toBe('draft');
      const status = async () => (await handle.query<ExperimentState>('state')).status;
      await handle.signal('lifecycle', 'start');
      expect(await status()).toBe('running');
      await send(handle, outcomes('v1', 3, 2));
      await handle.signal('lifecycle', 'pause');
      expect(await status()).toBe('paused');
      // A generation allocated before the pause still finishes and counts.
      await send(handle, outcomes('v2', 2, 2));
      // Starting twice is ignored, not an error.
      await handle.signal('lifecycle', 'start');
      expect(await status()).toBe('paused');
      await handle.signal('lifecycle', 'resume');
      expect(await status()).toBe('running');
      await handle.signal('lifecycle', 'complete');
      const final = await handle.result();
      expect(persisted[0]?.status).toBe('draft');
      expect(persisted.at(-1)?.status).toBe('completed');
      expect(persisted.at(-1)?.outcomes).toBe(5);
      return final;
    }, 'lifecycle');
    expect(result.status).toBe('completed');
    expect(result.stopReason).toBe('manual');
    expect(result.outcomes).toBe(5);
    expect(result.aggregates['*']?.v1?.successes).toBe(2);
    expect(result.aggregates['*']?.v2?.samples).toBe(2);
  });

  it('stops itself at significance and names the better variant', async () => {
    const result = await run(input({ stopRules: { minSamplesPerVariant: 40, confidence: 0.95 } }), async (handle) => {
      await handle.signal('lifecycle', 'start');
      await send(handle, [...outcomes('v1', 60, 33), ...outcomes('v2', 60, 57)]);
      return handle.result();
    }, 'significance');
    expect(result.stopReason).toBe('significance');
    expect(result.decision?.winnerId).toBe('v2');
  });

  it('stops at maxDays on a durable timer, with no outcomes arriving', async () => {
    const started = await env.currentTimeMs();
    const result = await run(input({ stopRules: { minSamplesPerVariant: 100, confidence: 0.95, maxDays: 3 } }), async (handle) => {
      await handle.signal('lifecycle', 'start');
      await send(handle, outcomes('v1', 2, 1));
      return handle.result();
    });
    expect(result.stopReason).toBe('max_days');
    expect(result.decision).toBeUndefined();
    expect((await env.currentTimeMs()) - started).toBeGreaterThanOrEqual(3 * 86_400_000);
  });

  it('stops at maxCost once the outcomes have spent the budget', async () => {
    const result = await run(input({ stopRules: { minSamplesPerVariant: 100, confidence: 0.95, maxCost: 1 } }), async (handle) => {
      await handle.signal('lifecycle', 'start');
      await send(handle, [...outcomes('v1', 2, 2, 0.3), ...outcomes('v2', 2, 2, 0.3)]);
      return handle.result();
    });
    expect(result.stopReason).toBe('max_cost');
    expect(result.totalCostUsd).toBeCloseTo(1.2, 10);
  });

  it('continues as new after many outcomes and keeps every aggregate', async () => {
    const wfInput = input({ allocation: { type: 'thompson' } }, { continueAsNewAfter: 25 });
    const result = await run(wfInput, async (handle) => {
      const firstRun = (await handle.describe()).runId;
      await handle.signal('lifecycle', 'start');
      const duplicate = outcomes('v2', 1, 1);
      await send(handle, [...outcomes('v1', 30, 15), ...outcomes('v2', 30, 29), ...duplicate, ...duplicate]);
      await env.sleep('1 minute');
      const latest = env.client.workflow.getHandle(handle.workflowId);
      const state = await latest.query<ExperimentState>('state');
      expect((await latest.describe()).runId).not.toBe(firstRun);
      if (record) {
        // The first run, which ends in ContinueAsNew, replays too.
        saveHistory(env, 'experiment-continue-as-new-first-run', handle.workflowId, firstRun);
      }
      // The bandit has moved traffic towards the variant that succeeds more.
      expect(state.weights[1]).toBeGreaterThan(0.8);
      await latest.signal('lifecycle', 'complete');
      return latest.result() as Promise<ExperimentState>;
    }, 'continue-as-new');
    expect(result.outcomes).toBe(61);
    expect(result.aggregates['*']?.v1?.samples).toBe(30);
    expect(result.aggregates['*']?.v2?.successes).toBe(30);
    expect(result.allocationHistory.length).toBeGreaterThan(1);
  });

  it('a generation with an experiment signals its outcome to the experiment workflow', async () => {
    const exp = input();
    const gen: GenerationWorkflowInput = {
      generationId: randomUUID(),
      request: { model: 'local/image', kind: 'text-to-image', prompt: 'p', parameters: {}, inputImages: [], numberOfOutputs: 1 },
      model: { id: 'local/image', provider: 'local', async: false, polling: { initialDelayMs: 5_000, maxIntervalMs: 60_000, maxTotalMs: 600_000 } },
      experiment: { experimentId: exp.definition.id, variantId: 'v2', segment: 'pro', costUsd: 0.02 },
    };
    const generationActivities: GenerationActivities = {
      recordRunning: async () => undefined,
      enhancePrompt: async () => 'p',
      submitToProvider: async () => ({ status: 'succeeded', assets: [] }),
      pollProvider: async () => ({ status: 'canceled' }),
      cancelProviderTask: async () => undefined,
      finishGeneration: async () => undefined,
    };
    const state = await run(exp, async (handle) => {
      await handle.signal('lifecycle', 'start');
      const genHandle = await env.client.workflow.start('generationWorkflow', {
        taskQueue: (await handle.describe()).taskQueue,
        workflowId: `gen_${gen.generationId}`,
        args: [gen],
      });
      await genHandle.result();
      if (record) {
        saveHistory(env, 'generation-with-experiment', genHandle.workflowId);
      }
      return handle.query<ExperimentState>('state');
    }, undefined, generationActivities);
    expect(state.outcomes).toBe(1);
    expect(state.aggregates['*']?.v2?.successes).toBe(1);
    expect(state.aggregates.pro?.v2?.samples).toBe(1);
    expect(state.totalCostUsd).toBeCloseTo(0.02, 10);
  });
});
