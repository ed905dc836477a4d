import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
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
export function saveHistory(env: TestWorkflowEnvironment, name: string, workflowId: string, runId?: string): void {
  mkdirSync('test/replay/histories', { recursive: true });
  const cli = resolveBinary('temporal', 'TEMPORAL_CLI_PATH') ?? 'temporal';
  const args = ['workflow', 'show', '--address', env.address, '-w', workflowId, ...(runId ? ['-r', runId] : []), '-o', 'json'];
  writeFileSync(`test/replay/histories/${name}.json`, execFileSync(cli, args));
}
