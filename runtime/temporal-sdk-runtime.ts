import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { freeLoopbackPort } from './free-port';
import { PinoTemporalLogger } from './pino-temporal-logger';

export interface TemporalRuntimeOptions {
  logger: Logger;
  /**
   * host:port where the SDK serves its own Prometheus metrics (worker slots, polls, task
   * latencies, ...); `off` disables them; unset picks a free loopback port. genflow's /metrics
   * proxies this endpoint, so one scrape gets both.
   */
  metricsAddress?: string;
}

export interface TemporalRuntime {
  /** http://host:port/metrics of the SDK's exporter, or undefined when disabled. */
  temporalMetricsUrl?: string;
}

/**
 * Installs the Temporal SDK runtime once per process: its logs go to our pino logger, its
 * metrics to a Prometheus endpoint, and it leaves SIGINT/SIGTERM to our shutdown sequence,
 * which must stop the API and the embedded server in order.
 */
export async function installTemporalRuntime(options: TemporalRuntimeOptions): Promise<TemporalRuntime> {
  const setting = options.metricsAddress;
  const bindAddress = setting === 'off' ? undefined : (setting ?? `127.0.0.1:${await freeLoopbackPort()}`);
  Runtime.install({
    logger: new PinoTemporalLogger(options.logger.child({ component: 'temporal' })),
    shutdownSignals: [],
    telemetryOptions: {
      // The Rust core's lines (connection retries, ...) join the same pino stream instead of
      // being printed to stderr in their own format.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(bindAddress ? { metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } : {}),
    },
  });
  if (!bindAddress) return {};
  // A wildcard bind is scraped through loopback.
  const url = `http://${bindAddress.replace(/^0\.0\.0\.0:|^\[::\]:/, '127.0.0.1:')}/metrics`;
  return { temporalMetricsUrl: url };
}
