import type { WorkflowModel } from '../domain/models';
import { defaultPollingPolicy, pollScale } from '../domain/polling';
import { providerActivityQueue } from './rate-limits';
import type { ModelEntry } from './catalogue';

/** What the generation workflow needs to know about a model, including where its calls run. */
export function workflowModel(entry: ModelEntry, env: Record<string, string | undefined>): WorkflowModel {
  const taskQueue = providerActivityQueue(entry.provider, env);
  return {
    id: entry.model.id,
    provider: entry.provider.id,
    async: entry.model.async,
    polling: defaultPollingPolicy(entry.model.expectedDurationSeconds, entry.model.maxDurationSeconds, pollScale(env.GENFLOW_POLL_SCALE)),
    ...(taskQueue ? { taskQueue } : {}),
  };
}
