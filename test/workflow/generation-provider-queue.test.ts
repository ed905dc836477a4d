import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GenerationActivities } from '../../activities/generation-activities';
import type { GenerationWorkflowInput } from '../../domain/generation';
import type { generationWorkflow } from '../../workflows/generation';
import { createTimeSkippingEnv, recordHistories, saveHistory } from '../support/time-skipping';

/** Activities that record which worker ran them. */
function activitiesOf(worker: string, log: string[]): GenerationActivities {
  return {
    recordRunning: async () => {
      log.push(`${worker}:recordRunning`);
    },
    enhancePrompt: async (input) => input.request.prompt,
    submitToProvider: async () => {
      log.push(`${worker}:submit`);
      return { status: 'pending', taskId: 't1' };
    },
    pollProvider: async () => {
      log.push(`${worker}:poll`);
      return { status: 'succeeded', assets: [] };
    },
    cancelProviderTask: async () => {
      log.push(`${worker}:cancel`);
    },
    finishGeneration: async () => {
      log.push(`${worker}:finish`);
    },
  };
}

describe('generationWorkflow with a rate-limited provider, time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it("sends provider calls to the provider's queue and bookkeeping to its own", async () => {
    const taskQueue = `wf-${randomUUID()}`;
    const providerQueue = `${taskQueue}-provider-local`;
    const log: string[] = [];
    const input: GenerationWorkflowInput = {
      generationId: randomUUID(),
      request: { model: 'local/x', kind: 'text-to-video', prompt: 'p', parameters: {}, inputImages: [], numberOfOutputs: 1 },
      model: { id: 'local/x', provider: 'local', async: true, polling: { initialDelayMs: 5_000, maxIntervalMs: 60_000, maxTotalMs: 600_000 }, taskQueue: providerQueue },
    };
    const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities: activitiesOf('main', log) });
    const provider = await Worker.create({ connection: env.nativeConnection, taskQueue: providerQueue, activities: activitiesOf('provider', log) });
    const workflowId = `gen_${input.generationId}`;
    await provider.runUntil(
      main.runUntil(async () => {
        const result = await env.client.workflow.execute<typeof generationWorkflow>('generationWorkflow', { taskQueue, workflowId, args: [input] });
        expect(result.status).toBe('succeeded');
      }),
    );
    expect(log).toEqual(['main:recordRunning', 'provider:submit', 'provider:poll', 'main:finish']);

    if (recordHistories) saveHistory(env, 'generation-provider-queue', workflowId);
  });
});
