import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GenerationActivities } from '../../activities/generation-activities';
import type { MediaActivities } from '../../activities/media-activities';
import type { GenerationWorkflowInput, StoredAsset } from '../../domain/generation';
import type { PreparedInput } from '../../domain/media';
import { ensureRetentionSchedule } from '../../runtime/retention-schedule';
import { createTimeSkippingEnv, recordHistories, saveHistory } from '../support/time-skipping';

const record = recordHistories;
const temporalAddress = inject('temporalAddress');

const asset: StoredAsset = { id: 'a1', index: 0, storageKey: 'generations/x/0.webp', contentType: 'image/webp', bytes: 10, sha256: 'abc' };
const prepared: PreparedInput = { storageKey: 'inputs/x/0.png', contentType: 'image/png', bytes: 99, sha256: 'def', width: 512, height: 512 };

function input(inputImages: string[]): GenerationWorkflowInput {
  return {
    generationId: randomUUID(),
    request: { model: 'local/video', kind: 'image-to-video', prompt: 'p', parameters: {}, inputImages, numberOfOutputs: 1 },
    model: { id: 'local/video', provider: 'local', async: false, polling: { initialDelayMs: 5_000, maxIntervalMs: 60_000, maxTotalMs: 600_000 } },
  };
}

type AllActivities = GenerationActivities & MediaActivities;
function activities(overrides: Partial<AllActivities>) {
  const calls: string[] = [];
  const submitted: GenerationWorkflowInput[] = [];
  const finished: Array<{ status: string; code?: string; message?: string }> = [];
  const acts: AllActivities = {
    recordRunning: async () => undefined,
    enhancePrompt: async (i) => i.request.prompt,
    submitToProvider: async (i) => {
      calls.push('submit');
      submitted.push(i);
      return { status: 'succeeded', assets: [asset] };
    },
    pollProvider: async () => ({ status: 'succeeded', assets: [asset] }),
    cancelProviderTask: async () => undefined,
    finishGeneration: async (_id, status, error) => {
      finished.push({ status, ...(error ? { code: error.code, message: error.message } : {}) });
    },
    prepareInputs: async () => {
      calls.push('prepare');
      return [prepared];
    },
    sweepExpiredAssets: async () => ({ assets: 0, generations: 0, files: 0 }),
    sweepOldFiles: async () => 0,
    ...overrides,
  };
  return { acts, calls, submitted, finished };
}

describe('media steps of the workflows on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  /** Runs a workflow to its end; answers its result, or the error it failed with. */
  async function run(acts: AllActivities, type: string, args: unknown[], historyFile?: string): Promise<unknown> {
    const taskQueue = `wf-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities: acts });
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start(type, { taskQueue, workflowId: `wf-${randomUUID()}`, args });
      const result: unknown = await handle.result().catch((e: unknown) => e);
      if (record && historyFile) {
        saveHistory(env, historyFile.replace(/\.json$/, ''), handle.workflowId);
      }
      return result;
    });
  }

  it('prepares input images before submitting and hands the prepared ones to the submit step', async () => {
    const { acts, calls, submitted } = activities({});
    const result = await run(acts, 'generationWorkflow', [input(['https://cdn.example/cat.png'])], 'generation-input-images.json');
    expect(result).toEqual({ status: 'succeeded', assets: [asset] });
    expect(calls).toEqual(['prepare', 'submit']);
    expect(submitted[0]?.preparedInputs).toEqual([prepared]);
  });

  it('skips the step without input images (the recorded histories depend on it)', async () => {
    const { acts, calls, submitted } = activities({});
    await run(acts, 'generationWorkflow', [input([])]);
    expect(calls).toEqual(['submit']);
    expect(submitted[0]?.preparedInputs).toBeUndefined();
  });

  it('fails the generation with INPUT_FETCH_FAILED and the reason when an input is refused, without submitting', async () => {
    const { acts, calls, finished } = activities({
      prepareInputs: async () => {
        calls.push('prepare');
        throw ApplicationFailure.create({ type: 'INPUT_FETCH_FAILED', message: 'input image 1: refused http://10.0.0.1: 10.0.0.1 is a private address', nonRetryable: true });
      },
    });
    const err = await run(acts, 'generationWorkflow', [input(['http://intranet.example/a.png'])], 'generation-input-refused.json');
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(calls).toEqual(['prepare']);
    expect(finished.map((f) => [f.status, f.code])).toEqual([['failed', 'INPUT_FETCH_FAILED']]);
    expect(finished[0]?.message).toMatch(/10\.0\.0\.1 is a private address/);
  });

  it('retention sweeps in batches until a short batch, then old files, with a cutoff retentionDays before now', async () => {
    const cutoffs: string[] = [];
    let remaining = 25;
    const { acts } = activities({
      sweepExpiredAssets: async (cutoff, limit) => {
        cutoffs.push(cutoff);
        const n = Math.min(limit, remaining);
        remaining -= n;
        return { assets: n, generations: Math.ceil(n / 2), files: 0 };
      },
      sweepOldFiles: async () => 3,
    });
    const now = await env.currentTimeMs();
    const result = await run(acts, 'mediaRetentionWorkflow', [{ retentionDays: 7, batchSize: 10 }], 'media-retention-sweep.json');
    expect(result).toEqual({ assets: 25, generations: 5 + 5 + 3, files: 3 });
    expect(cutoffs).toHaveLength(3);
    const cutoffMs = Date.parse(cutoffs[0]!);
    expect(Math.abs(now - 7 * 86_400_000 - cutoffMs)).toBeLessThan(60_000);
    expect(new Set(cutoffs).size).toBe(1);
  });
});

describe.skipIf(!temporalAddress)('retention schedule on the dev server', () => {
  it('is created once, updated on the next start, and removed when retention is 0', async () => {
    const connection = await Connection.connect({ address: temporalAddress! });
    const client = new Client({ connection });
    const scheduleId = `retention-test-${randomUUID()}`;
    try {
      expect(await ensureRetentionSchedule(client, { scheduleId, taskQueue: 'q1', retentionDays: 30 })).toBe('created');
      expect(await ensureRetentionSchedule(client, { scheduleId, taskQueue: 'q2', retentionDays: 7, every: '6 hours' })).toBe('updated');
      const described = await client.schedule.getHandle(scheduleId).describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'mediaRetentionWorkflow', taskQueue: 'q2', args: [{ retentionDays: 7 }] });
      expect(described.spec.intervals?.[0]?.every).toBe(6 * 3600 * 1000);
      expect(await ensureRetentionSchedule(client, { scheduleId, taskQueue: 'q2', retentionDays: 0 })).toBe('deleted');
      await expect(client.schedule.getHandle(scheduleId).describe()).rejects.toThrow();
    } finally {
      await client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
      await connection.close();
    }
  });
});
