import type { PollingPolicy } from './models';

/**
 * Delay before poll number `pollIndex` (0-based): the first poll waits `initialDelayMs`,
 * each later one doubles, capped at `maxIntervalMs`. Pure, so workflows can use it.
 * Kept for workflow runs recorded before jitter existed (see `jitteredPollDelayMs`).
 */
export function pollDelayMs(policy: PollingPolicy, pollIndex: number): number {
  const raw = policy.initialDelayMs * 2 ** Math.min(pollIndex, 30);
  return Math.min(Math.max(raw, 1), policy.maxIntervalMs);
}

/** ±20 %: enough to spread thousands of jobs submitted together over the provider's minute. */
export const POLL_JITTER = 0.2;

/**
 * Delay before poll number `pollIndex`: the first waits the model's expected duration
 * (`initialDelayMs`); later ones start at `intervalMs` and double up to `maxIntervalMs`. Each
 * is multiplied by a factor in [1 - POLL_JITTER, 1 + POLL_JITTER] taken from `random` (in a
 * workflow, Temporal's seeded Math.random, so replays see the same delays), so jobs submitted
 * at the same moment do not poll in lockstep. Never above `maxIntervalMs`.
 */
export function jitteredPollDelayMs(policy: PollingPolicy, pollIndex: number, random: () => number): number {
  const factor = 1 - POLL_JITTER + 2 * POLL_JITTER * random();
  if (pollIndex === 0) return Math.max(1, Math.round(policy.initialDelayMs * factor));
  const base = Math.min((policy.intervalMs ?? policy.initialDelayMs) * 2 ** Math.min(pollIndex - 1, 30), policy.maxIntervalMs);
  return Math.max(1, Math.round(Math.min(base * factor, policy.maxIntervalMs)));
}

/**
 * The default policy of a model: first poll after its expected duration, then 1/4 of it
 * (1-10 s) doubling to a minute, giving up after its max duration. `scale` (GENFLOW_POLL_SCALE)
 * shrinks the waits, never the deadline: test suites against fakes that finish at once use it.
 */
export function defaultPollingPolicy(expectedDurationSeconds: number, maxDurationSeconds: number, scale = 1): PollingPolicy {
  const expectedMs = expectedDurationSeconds * 1_000 * scale;
  return {
    // Polling before the job can plausibly be done only burns provider quota.
    initialDelayMs: Math.max(Math.round(1_000 * Math.min(scale, 1)), Math.round(expectedMs)),
    intervalMs: Math.round(Math.min(Math.max(expectedMs / 4, 1_000 * Math.min(scale, 1)), 10_000)),
    maxIntervalMs: 60_000,
    maxTotalMs: maxDurationSeconds * 1_000,
  };
}

/** GENFLOW_POLL_SCALE: a factor in (0, 1]; anything else is 1. */
export function pollScale(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 && n <= 1 ? n : 1;
}
