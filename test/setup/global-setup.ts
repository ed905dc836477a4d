import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { GENFLOW_SEARCH_ATTRIBUTE_KEYS } from '../../domain/search-attributes';
import { resolveBinary } from '../../runtime/binaries';
import { provisionBinary } from '../../runtime/provision';
import { workflowBundleOptions, workflowsPath } from '../../runtime/workflow-bundle-options';
import { requireAll } from '../support/require-all';
import { startSeaweedFs, type S3TestServer } from './seaweedfs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Address of the Temporal dev server shared by the run, or null when none could start. */
    temporalAddress: string | null;
    /** Path of the workflow bundle built once for the run. */
    workflowBundlePath: string;
    /** The run's S3-compatible server (SeaweedFS), or null when `weed` is missing. */
    s3Server: S3TestServer | null;
  }
}

/**
 * One Temporal dev server and one workflow bundle for the whole run: the SDK waits only a few
 * seconds for an ephemeral server, and bundling costs seconds too, so neither is done per file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (requireAll() && !process.env.DATABASE_URL) {
    throw new Error('GENFLOW_REQUIRE_ALL=1 but DATABASE_URL is not set: CI must run the suites against a real Postgres');
  }
  const dir = resolve('.genflow/test');
  mkdirSync(dir, { recursive: true });

  const { code } = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions, logger: { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} } });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  project.provide('workflowBundlePath', bundlePath);

  // A fresh clone without scripts/setup-machine.sh: install the servers for this user under
  // .genflow/tools (no root), as `npm start` does; the forks inherit the paths set here.
  for (const [name, envVar] of [['temporal', 'TEMPORAL_CLI_PATH'], ['temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH'], ['weed', 'WEED_PATH']] as const) {
    const path = provisionBinary(name, envVar, '.genflow', (line) => console.log(`[genflow test setup] ${line}`));
    if (path) process.env[envVar] = path;
  }
  const weed = resolveBinary('weed', 'WEED_PATH');
  if (!weed && requireAll()) throw new Error('GENFLOW_REQUIRE_ALL=1 but no `weed` (SeaweedFS) was found (scripts/setup-machine.sh installs it)');
  const seaweed = weed ? await startSeaweedFs(weed) : undefined;
  project.provide('s3Server', seaweed?.server ?? null);

  const cli = resolveBinary('temporal', 'TEMPORAL_CLI_PATH');
  if (!cli) {
    if (requireAll()) throw new Error('GENFLOW_REQUIRE_ALL=1 but no `temporal` CLI was found (scripts/setup-machine.sh installs it)');
    project.provide('temporalAddress', null);
    return async () => {
      await seaweed?.stop();
    };
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      ip: '127.0.0.1',
      log: { format: 'json', level: 'error' },
      searchAttributes: GENFLOW_SEARCH_ATTRIBUTE_KEYS,
    },
  });
  project.provide('temporalAddress', env.address);
  return async () => {
    await env.teardown();
    await seaweed?.stop();
  };
}
