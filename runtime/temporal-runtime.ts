import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * Installs the Temporal SDK runtime once per process: its log level follows ours (its INFO
 * lines about worker states would drown the service's own), and it leaves SIGINT/SIGTERM to
 * our shutdown sequence, which must stop the API and the embedded server in order.
 */
export function installTemporalRuntime(logLevel: string): void {
  const level: LogLevel = logLevel === 'debug' || logLevel === 'trace' ? 'DEBUG' : logLevel === 'info' ? 'WARN' : 'ERROR';
  Runtime.install({ logger: new DefaultLogger(level), shutdownSignals: [] });
}
