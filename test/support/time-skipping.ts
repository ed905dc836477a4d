import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { GenerationWorkflowInput } from '../../domain/generation';
import type { generationWorkflow } from '../../workflows/generation';
import { resolveBinary } from '../../runtime/binaries';
import { requireAll } from './require-all';

/**
 * The time-skipping test server from TEMPORAL_TEST_SERVER_PATH or PATH; without one, the SDK's
 * download (for machines with internet), unless GENFLOW_REQUIRE_ALL demands a local binary.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = resolveBinary('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH');
  if (!path && requireAll()) throw new Error('GENFLOW_REQUIRE_ALL=1 but no temporal-test-server binary was found');
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: path ? { type: 'existing-path', path } : { type: 'cached-download' } },
  });
}

/** `npm run test:record-histories` sets this: workflow tests then save their histories for replay. */
export const recordHistories = process.env.GENFLOW_RECORD_HISTORIES === '1';

/**
 * Saves a workflow's history to test/replay/histories/<name>.json in the canonical JSON form the
 * `temporal` CLI writes, which Worker.runReplayHistory reads back. `runId` picks one run (the
 * first, for a workflow that continued as new); the latest otherwise.
 */
export function saveHistory(env: Pick<TestWorkflowEnvironment, 'address'>, name: string, workflowId: string, runId?: string): void {
  mkdirSync('test/replay/histories', { recursive: true });
  const cli = resolveBinary('temporal', 'TEMPORAL_CLI_PATH') ?? 'temporal';
  const args = ['workflow', 'show', '--address', env.address, '-w', workflowId, ...(runId ? ['-r', runId] : []), '-o', 'json'];
  writeFileSync(`test/replay/histories/${name}.json`, execFileSync(cli, args));
}

/**
 * Runs one generationWorkflow with `activities` on a task queue of its own and hands its handle
 * to `body`. With `history` (and `npm run test:record-histories`), saves its history for replay:
 * `name` the latest run, `firstRun` the first one of a workflow that continued as new.
 */
export async function runGenerationWorkflow<T>(
  env: TestWorkflowEnvironment,
  activities: object,
  wfInput: GenerationWorkflowInput,
  body: (handle: WorkflowHandleWithFirstExecutionRunId<typeof generationWorkflow>) => Promise<T>,
  history?: { name: string; firstRun?: string },
): Promise<T> {
  const taskQueue = `wf-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities,
  });
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start<typeof generationWorkflow>('generationWorkflow', {
      taskQueue,
      workflowId: `gen_${wfInput.generationId}`,
      args: [wfInput],
    });
    try {
      return await body(handle);
    } finally {
      if (recordHistories && history) {
        await handle.result().catch(() => undefined);
        saveHistory(env, `generation-${history.name}`, handle.workflowId);
        if (history.firstRun) saveHistory(env, `generation-${history.firstRun}`, handle.workflowId, handle.firstExecutionRunId);
      }
    }
  });
}
