/** Task queues, in one place so the API, workers and workflows agree on their names. */
export const TaskQueue = {
  /** Generation workflows and their provider activities. */
  generations: 'genflow-generations',
} as const;
export type TaskQueue = (typeof TaskQueue)[keyof typeof TaskQueue];

/** Workflow ids are derived from generation ids so a duplicate start is rejected by Temporal. */
export function generationWorkflowId(generationId: string): string {
  return `gen_${generationId}`;
}

/** One batch workflow per batch; its children keep their own `gen_<id>` ids. */
export function batchWorkflowId(batchId: string): string {
  return `batch_${batchId}`;
}

/** Default prefix of per-provider activity queues (see providers/rate-limits.ts). */
export const PROVIDER_QUEUE_PREFIX = 'genflow-provider-';

/**
 * Provider calls of a rate-limited provider run on a queue of their own, so Temporal's
 * server-side task-queue rate limit applies to all workers together.
 */
export function providerTaskQueue(providerId: string, prefix: string = PROVIDER_QUEUE_PREFIX): string {
  return `${prefix}${providerId}`;
}
