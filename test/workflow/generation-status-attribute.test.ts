import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GenerationActivities } from '../../activities/generation-activities';
import type { GenerationWorkflowInput, StoredAsset } from '../../domain/generation';
import { GenflowSearchAttributes } from '../../domain/search-attributes';
import type { generationWorkflow } from '../../workflows/generation';
import { recordHistories, saveHistory } from '../support/time-skipping';

/**
 * GenflowStatus upserts run on the run's dev server, where global setup registered the
 * attribute: the time-skipping server cannot register search attributes, and an unregistered
 * one fails the workflow task ("search attribute GenflowStatus is not defined") — the reason
 * the workflow upserts only when its starter says the namespace has it.
 */
const address = inject('temporalAddress');

const asset: StoredAsset = { id: 'a1', index: 0, storageKey: 'generations/x/0.png', contentType: 'image/png', bytes: 10, sha256: 'abc', width: 64, height: 64 };

function input(flag: boolean): GenerationWorkflowInput {
  return {
    generationId: randomUUID(),
    request: { model: 'local/x', kind: 'text-to-image', prompt: 'p', parameters: {}, inputImages: [], numberOfOutputs: 1 },
    model: { id: 'local/x', provider: 'local', async: false, polling: { initialDelayMs: 5_000, maxIntervalMs: 60_000, maxTotalMs: 60 * 60 * 1000 } },
    ...(flag ? { statusSearchAttribute: true } : {}),
  };
}

describe.skipIf(!address)('generationWorkflow upserts GenflowStatus (dev server)', () => {
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let client: Client;
  beforeAll(async () => {
    connection = await Connection.connect({ address: address! });
    nativeConnection = await NativeConnection.connect({ address: address! });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  const statusOf = async (handle: WorkflowHandle) => (await handle.describe()).typedSearchAttributes.get(GenflowSearchAttributes.status);

  /** Runs one generation with `submit` as its provider call; answers its final GenflowStatus. */
  async function run(wfInput: GenerationWorkflowInput, submit: GenerationActivities['submitToProvider'], historyName?: string): Promise<{ final: string | undefined; duringSubmit: Array<string | undefined> }> {
    const taskQueue = `wf-status-${randomUUID()}`;
    const workflowId = `gen_${wfInput.generationId}`;
    const duringSubmit: Array<string | undefined> = [];
    const activities: GenerationActivities = {
      recordRunning: async () => undefined,
      enhancePrompt: async (i) => i.request.prompt,
      submitToProvider: async (i) => {
        duringSubmit.push(await statusOf(client.workflow.getHandle(workflowId)));
        return submit(i);
      },
      pollProvider: async () => ({ status: 'succeeded', assets: [asset] }),
      cancelProviderTask: async () => undefined,
      finishGeneration: async () => undefined,
    };
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities });
    return worker.runUntil(async () => {
      const handle = await client.workflow.start<typeof generationWorkflow>('generationWorkflow', {
        taskQueue,
        workflowId,
        args: [wfInput],
        // What the outbox dispatcher sends: queued at start, whenever the namespace has it.
        typedSearchAttributes: [{ key: GenflowSearchAttributes.status, value: 'queued' }],
      });
      await handle.result().catch(() => undefined);
      if (recordHistories && historyName) saveHistory({ address: address! }, `generation-${historyName}`, workflowId);
      return { final: await statusOf(handle), duringSubmit };
    });
  }

  it('is running while the provider works and succeeded at the end', async () => {
    const { final, duringSubmit } = await run(input(true), async () => ({ status: 'succeeded', assets: [asset] }), 'status-search-attribute-success');
    expect(duringSubmit).toEqual(['running']);
    expect(final).toBe('succeeded');
  });

  it('ends failed when the generation fails', async () => {
    const refused = async (): Promise<never> => {
      throw ApplicationFailure.create({ type: 'CONTENT_REJECTED', message: 'prompt rejected', nonRetryable: true });
    };
    const { final } = await run(input(true), refused, 'status-search-attribute-failed');
    expect(final).toBe('failed');
  });

  it('stays as started when the starter did not say the attribute is registered', async () => {
    const { final, duringSubmit } = await run(input(false), async () => ({ status: 'succeeded', assets: [asset] }));
    expect(duringSubmit).toEqual(['queued']);
    expect(final).toBe('queued');
  });
});
