import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { providerRateLimit } from './rate-limits';
import type { ModelCatalogue } from './catalogue';
import type { ProviderRateLimit } from './types';

/** Where the limiter keeps its shared state: Postgres in genflow (db/provider-limits-repo.ts). */
export interface LimitStore {
  takeCall(provider: string, limit: number, windowMs: number): Promise<{ ok: true } | { ok: false; waitMs: number }>;
  takeLease(provider: string, id: string, max: number, ttlMs: number): Promise<boolean>;
  releaseLease(id: string): Promise<void>;
}

export interface ProviderLimiter {
  /** Waits until the provider may be called; the returned function ends the call's lease. */
  /** `override`: limits set over the API, which take precedence over the environment's. */
  acquire(providerId: string, signal?: AbortSignal, override?: ProviderRateLimit): Promise<() => Promise<void>>;
}

/**
 * The provider sees our calls after scheduling and network jitter: a call admitted at the end
 * of one window may arrive late, together with the next window's. A margin of a tenth of the
 * window (at least 100 ms) keeps the provider's own count under its limit; it costs ~9 % of
 * the nominal rate.
 */
export const RATE_MARGIN_MIN_MS = 100;
/** Longer than any provider-call activity may run: a lease outlives its call only if the worker died. */
export const LEASE_TTL_MS = 10 * 60_000;
const LEASE_POLL_MS = 100;

/**
 * Requests per second as a sliding window: at most `limit` call starts within any
 * `limit / rps` seconds (plus the margin), so 0.5/s is one call per two seconds and 5/s is five
 * calls per second — never a burst above it, whichever worker makes the calls.
 */
export function rateWindow(requestsPerSecond: number): { limit: number; windowMs: number } {
  const limit = Math.max(1, Math.floor(requestsPerSecond));
  const nominalMs = (limit / requestsPerSecond) * 1_000;
  return { limit, windowMs: Math.ceil(nominalMs + Math.max(RATE_MARGIN_MIN_MS, nominalMs / 10)) };
}

/**
 * The global half of the provider limits. Temporal's task-queue rate limit paces how fast
 * provider activities are handed to workers (no worker slot is spent waiting), but it lets
 * short bursts through; this limiter, on the shared database and its clock, makes the limits
 * strict for all workers together: requests per second, and concurrent calls.
 */
export function createProviderLimiter(store: LimitStore, env: Record<string, string | undefined>, catalogue: ModelCatalogue): ProviderLimiter {
  const limits = new Map(
    Object.values(catalogue.providers).flatMap((p) => {
      const limit = providerRateLimit(p, env);
      return limit ? [[p.id, limit] as const] : [];
    }),
  );

  return {
    async acquire(providerId, signal, override) {
      const limit = override ? { ...limits.get(providerId), ...override } : limits.get(providerId);
      if (!limit) return () => Promise.resolve();
      let leaseId: string | undefined;
      if (limit.maxConcurrent !== undefined) {
        const id = randomUUID();
        while (!(await store.takeLease(providerId, id, limit.maxConcurrent, LEASE_TTL_MS))) {
          await sleep(LEASE_POLL_MS, undefined, { signal });
        }
        leaseId = id;
      }
      try {
        if (limit.requestsPerSecond !== undefined) {
          const { limit: n, windowMs } = rateWindow(limit.requestsPerSecond);
          for (;;) {
            const taken = await store.takeCall(providerId, n, windowMs);
            if (taken.ok) break;
            await sleep(taken.waitMs, undefined, { signal });
          }
        }
      } catch (err) {
        if (leaseId) await store.releaseLease(leaseId).catch(() => undefined);
        throw err;
      }
      return leaseId ? () => store.releaseLease(leaseId) : () => Promise.resolve();
    },
  };
}
