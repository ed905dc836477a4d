import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * Custom search attributes genflow sets when it starts workflows, so an operator can filter the
 * Temporal Web UI and `temporal workflow list --query "GenflowModel='local/image'"`. Status is
 * Temporal's own ExecutionStatus. All are Keyword (exact match), set at start only: workflow
 * code never upserts them, so recorded histories replay unchanged.
 */
export const GenflowSearchAttributes = {
  model: defineSearchAttributeKey('GenflowModel', SearchAttributeType.KEYWORD),
  provider: defineSearchAttributeKey('GenflowProvider', SearchAttributeType.KEYWORD),
  kind: defineSearchAttributeKey('GenflowKind', SearchAttributeType.KEYWORD),
  batchId: defineSearchAttributeKey('GenflowBatchId', SearchAttributeType.KEYWORD),
  experimentId: defineSearchAttributeKey('GenflowExperimentId', SearchAttributeType.KEYWORD),
  owner: defineSearchAttributeKey('GenflowOwner', SearchAttributeType.KEYWORD),
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
