import { PROVIDER_QUEUE_PREFIX, providerTaskQueue } from '../domain/task-queues';
import type { ModelCatalogue } from './catalogue';
import { envPrefix } from './settings';
import type { Provider, ProviderRateLimit } from './types';

export interface ResolvedRateLimit extends ProviderRateLimit {
  providerId: string;
  /** The activity task queue its calls run on. */
  taskQueue: string;
}

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: must be a positive number, got '${raw}'`);
  return n;
}

/**
 * A provider's limits: its config, overridden by `GENFLOW_<P>_RPS` and
 * `GENFLOW_<P>_MAX_CONCURRENT`. Undefined when the provider has no limit at all.
 */
export function providerRateLimit(provider: Provider, env: Record<string, string | undefined>): ResolvedRateLimit | undefined {
  const prefix = envPrefix(provider.id);
  const rps = positive(`${prefix}RPS`, env[`${prefix}RPS`]) ?? provider.rateLimit?.requestsPerSecond;
  const max = positive(`${prefix}MAX_CONCURRENT`, env[`${prefix}MAX_CONCURRENT`]) ?? provider.rateLimit?.maxConcurrent;
  if (rps === undefined && max === undefined) return undefined;
  // The prefix is a setting so that test runs sharing one Temporal server do not share queues.
  const queuePrefix = env.GENFLOW_PROVIDER_QUEUE_PREFIX?.trim() || PROVIDER_QUEUE_PREFIX;
  return {
    providerId: provider.id,
    taskQueue: providerTaskQueue(provider.id, queuePrefix),
    ...(rps !== undefined ? { requestsPerSecond: rps } : {}),
    ...(max !== undefined ? { maxConcurrent: Math.floor(max) } : {}),
  };
}

/** Every provider with a limit: workers poll one activity queue for each. */
export function rateLimitedProviders(env: Record<string, string | undefined>, catalogue: ModelCatalogue): ResolvedRateLimit[] {
  return Object.values(catalogue.providers)
    .map((p) => providerRateLimit(p, env))
    .filter((l): l is ResolvedRateLimit => l !== undefined);
}

/** The activity queue for a provider's calls, or undefined for the workflow's own queue. */
export function providerActivityQueue(provider: Provider, env: Record<string, string | undefined>): string | undefined {
  return providerRateLimit(provider, env)?.taskQueue;
}
