import type { PollingPolicy } from './models';

/**
 * Delay before poll number `pollIndex` (0-based): the first poll waits `initialDelayMs`,
 * each later one doubles, capped at `maxIntervalMs`. Pure, so workflows can use it.
 */
export function pollDelayMs(policy: PollingPolicy, pollIndex: number): number {
  const raw = policy.initialDelayMs * 2 ** Math.min(pollIndex, 30);
  return Math.min(Math.max(raw, 1), policy.maxIntervalMs);
}

export function defaultPollingPolicy(expectedDurationSeconds: number, maxDurationSeconds: number): PollingPolicy {
  return {
    // Polling before the job can plausibly be done only burns provider quota.
    initialDelayMs: Math.max(1_000, Math.min(expectedDurationSeconds * 1_000 * 0.5, 5_000)),
    maxIntervalMs: 60_000,
    maxTotalMs: maxDurationSeconds * 1_000,
  };
}
