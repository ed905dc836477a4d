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
