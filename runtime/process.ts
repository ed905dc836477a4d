import { parseAlertSettings } from '../domain/alert-settings';
import type { Logger } from 'pino';
import { ConfigError, parseConfig, type Config } from '../domain/config';

/** Reads the config or exits with a message naming each bad variable. */
export function loadConfigOrExit(extraCheck?: (config: Config) => string | undefined): Config {
  try {
    const config = parseConfig(process.env);
    // Read again where used; checked here so a bad alert setting stops the start like any other.
    parseAlertSettings(process.env);
    const problem = extraCheck?.(config);
    if (problem) throw new ConfigError(`invalid configuration:\n  ${problem}`);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`genflow: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs `stop` once on SIGINT/SIGTERM; a second signal exits at once. */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

export function requireSharedDatabase(config: Config): string | undefined {
  return config.DATABASE_URL
    ? undefined
    : 'DATABASE_URL: required when the API and the worker run as separate processes (the embedded PGlite serves one process; use `npm start` for that)';
}
