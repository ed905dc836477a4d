import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from 'pino';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's logger interface over pino, so workflow code (`log` from
 * @temporalio/workflow), activity context logs, the worker and the Rust core all land in the
 * process's one log stream with their metadata (workflowId, runId, activityType, ...) as fields.
 * The SDK's own INFO lines (worker state changes) are demoted to debug: at info they would
 * drown the service's lines; workflow and activity lines keep their level.
 */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const sdkComponent: unknown = meta.sdkComponent;
    const fromSdk = sdkComponent === 'worker' || sdkComponent === 'core';
    const pinoLevel = fromSdk && level === 'INFO' ? 'debug' : LEVELS[level];
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(meta)) fields[key] = typeof value === 'bigint' ? value.toString() : value;
    this.logger[pinoLevel](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
