import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { CallbackActivities } from '../activities/client-callback';
import { webhookWorkflowId, type WebhookTarget } from '../domain/webhooks';

/**
 * Bounded: 8 attempts from 5 s, tripling to 10 min, about half an hour in all. A client whose
 * endpoint is down longer than that reads the result with GET instead.
 */
const delivery = proxyActivities<CallbackActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 3, maximumInterval: '10 minutes', maximumAttempts: 8, nonRetryableErrorTypes: ['INVALID_REQUEST'] },
});

export interface ClientCallbackResult {
  delivered: boolean;
  error?: string;
}

/** Delivers one final generation or batch to its client's webhook URL, retrying with backoff. */
export async function clientCallbackWorkflow(target: WebhookTarget): Promise<ClientCallbackResult> {
  try {
    await delivery.deliverClientCallback(target);
    return { delivered: true };
  } catch (err) {
    // Not a failure of genflow: the outcome is recorded on the row (webhook_last_error).
    const cause = (err as { cause?: unknown }).cause;
    return { delivered: false, error: cause instanceof Error ? cause.message : String(err) };
  }
}

/**
 * Starts the delivery as a child that outlives its parent (ABANDON), so a slow or dead client
 * endpoint never holds up, nor fails, the generation or batch it reports on.
 */
export async function notifyClient(target: WebhookTarget): Promise<void> {
  try {
    await startChild(clientCallbackWorkflow, {
      workflowId: webhookWorkflowId(target),
      args: [target],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // Started before (e.g. by an earlier run): one delivery per outcome.
    if (!(err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError')) throw err;
  }
}
