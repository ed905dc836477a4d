import type { GenerationRequest } from '../domain/generation';
import type { ModelRuntime } from '../domain/models';
import { defaultPollingPolicy, pollScale } from '../domain/polling';
import { providerActivityQueue } from './rate-limits';
import type { ModelEntry } from './catalogue';

/** What the generation workflow needs to know about a model, including where its calls run. */
export function modelRuntime(entry: ModelEntry, env: Record<string, string | undefined>): ModelRuntime {
  const taskQueue = providerActivityQueue(entry.provider, env);
  return {
    id: entry.model.id,
    provider: entry.provider.id,
    async: entry.model.async,
    polling: defaultPollingPolicy(entry.model.expectedDurationSeconds, entry.model.maxDurationSeconds, pollScale(env.GENFLOW_POLL_SCALE)),
    ...(taskQueue ? { taskQueue } : {}),
  };
}

/** USD estimate of one request from the model's price rule (providers/pricing.ts); a model without one costs 0. */
export function estimateCost(entry: ModelEntry, request: GenerationRequest): number {
  const price = entry.model.price;
  if (!price) return 0;
  const value = price(request.parameters, request.numberOfOutputs, { prompt: request.prompt });
  return Number.isFinite(value) && value > 0 ? value : 0;
}
