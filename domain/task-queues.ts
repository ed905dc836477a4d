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
