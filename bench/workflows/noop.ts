import { proxyActivities } from '@temporalio/workflow';

export interface NoopActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<NoopActivities>({ startToCloseTimeout: '30 seconds' });

/** The baseline: the least a workflow with one activity can cost on the same server. */
export async function noopWorkflow(): Promise<void> {
  await noop();
}
