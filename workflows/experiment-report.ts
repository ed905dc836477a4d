import { getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import type { ExperimentOutcome } from '../domain/experiment-types';
import { experimentWorkflowId } from '../domain/experiment-types';
import type { GenerationWorkflowInput } from '../domain/generation';
import { outcomeSignal } from './experiment';

/**
 * Sends a finished generation's outcome to its experiment's workflow. Generations without an
 * experiment issue no command at all, so their recorded histories replay unchanged.
 */
export async function reportToExperiment(input: GenerationWorkflowInput, success: boolean): Promise<void> {
  const exp = input.experiment;
  if (!exp) return;
  const outcome: ExperimentOutcome = {
    generationId: input.generationId,
    variantId: exp.variantId,
    success,
    // Workflow time from start to finish: what the caller waited, minus the API's few ms.
    latencyMs: Date.now() - workflowInfo().startTime.getTime(),
    costUsd: success ? exp.costUsd : 0,
    ...(exp.segment !== undefined ? { segment: exp.segment } : {}),
  };
  try {
    await getExternalWorkflowHandle(experimentWorkflowId(exp.experimentId)).signal(outcomeSignal, outcome);
  } catch {
    // The experiment has completed (or was never started): its results are final, drop the outcome.
  }
}
