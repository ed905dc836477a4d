/** Where a finished generation or batch is reported to its client. */
export interface WebhookTarget {
  kind: 'generation' | 'batch';
  id: string;
  url: string;
  /** Sent as `Genflow-Delivery`, the same on every retry, so the client can drop repeats. */
  deliveryId?: string;
}

/** One delivery workflow per finished generation or batch: a second start is refused by id. */
export function webhookWorkflowId(target: Pick<WebhookTarget, 'kind' | 'id'>): string {
  return `webhook_${target.kind}_${target.id}`;
}

/** The signal a verified provider webhook sends to the generation's workflow (payload: ProviderUpdate). */
export const PROVIDER_UPDATE_SIGNAL = 'providerUpdate';
