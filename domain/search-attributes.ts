import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * Custom search attributes genflow sets when it starts workflows, so an operator can filter the
 * Temporal Web UI and `temporal workflow list --query "GenflowModel='local/image'"`. All are
 * Keyword (exact match) and set at start; `GenflowStatus` (genflow's own status, domain/status.ts)
 * starts as `queued` and the generation workflow upserts it as the status changes, behind a patch
 * and only when the starter found it registered (GenerationWorkflowInput.statusSearchAttribute).
 * scripts/start-cluster.sh reads the names and types below with sed: keep each key on one line.
 */
export const GenflowSearchAttributes = {
  model: defineSearchAttributeKey('GenflowModel', SearchAttributeType.KEYWORD),
  provider: defineSearchAttributeKey('GenflowProvider', SearchAttributeType.KEYWORD),
  kind: defineSearchAttributeKey('GenflowKind', SearchAttributeType.KEYWORD),
  batchId: defineSearchAttributeKey('GenflowBatchId', SearchAttributeType.KEYWORD),
  experimentId: defineSearchAttributeKey('GenflowExperimentId', SearchAttributeType.KEYWORD),
  owner: defineSearchAttributeKey('GenflowOwner', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('GenflowStatus', SearchAttributeType.KEYWORD),
} as const;

export type SearchAttributeValues = Partial<Record<keyof typeof GenflowSearchAttributes, string>>;

export const GENFLOW_SEARCH_ATTRIBUTE_KEYS = Object.values(GenflowSearchAttributes);

/** The pairs for the values given (empty ones left out), limited to the names `available`. */
export function searchAttributePairs(values: SearchAttributeValues, available?: ReadonlySet<string>): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [];
  for (const [field, key] of Object.entries(GenflowSearchAttributes) as Array<[keyof typeof GenflowSearchAttributes, (typeof GENFLOW_SEARCH_ATTRIBUTE_KEYS)[number]]>) {
    const value = values[field];
    if (value && (!available || available.has(key.name))) pairs.push({ key, value });
  }
  return pairs;
}

/** The values whose attribute the namespace has (`available`: attribute names). */
export function keepAvailable(values: SearchAttributeValues, available: ReadonlySet<string>): SearchAttributeValues {
  return Object.fromEntries(
    (Object.entries(values) as Array<[keyof typeof GenflowSearchAttributes, string | undefined]>).filter(([field, value]) => value && available.has(GenflowSearchAttributes[field].name)),
  );
}

/** Whether these start pairs carry GenflowStatus: then the workflow may upsert it (the namespace has it). */
export function carriesStatus(pairs: readonly SearchAttributePair[] | undefined): boolean {
  return (pairs ?? []).some((p) => p.key.name === GenflowSearchAttributes.status.name);
}
