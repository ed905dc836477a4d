import type { ExperimentRow } from '../db/schema';

const iso = (d: Date | string | null): string | undefined => (d === null ? undefined : new Date(d).toISOString());

/** What `GET /v1/experiments/:id` answers (and each item of the list). */
export function experimentView(row: Omit<ExperimentRow, 'state'>) {
  const def = row.definition;
  return {
    id: row.id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    status: row.status,
    variants: def.variants.map((v, i) => ({
      id: v.id,
      name: v.name,
      model: v.model,
      parameters: v.parameters,
      ...(v.promptTemplate !== undefined ? { promptTemplate: v.promptTemplate } : {}),
      isControl: v.id === def.controlId,
      weight: row.weights[i] ?? 0,
    })),
    allocation: def.allocation,
    metrics: def.metrics.map((m) => ({ ...m, primary: m.name === def.primaryMetric.name })),
    stopRules: def.stopRules,
    recomputeIntervalSeconds: def.recomputeIntervalSeconds,
    workflowId: row.workflow_id,
    ...(row.stop_reason !== null ? { stopReason: row.stop_reason } : {}),
    createdAt: iso(row.created_at),
    ...(row.started_at !== null ? { startedAt: iso(row.started_at) } : {}),
    ...(row.completed_at !== null ? { completedAt: iso(row.completed_at) } : {}),
  };
}
