import type { Logger } from 'pino';
import type { ExperimentState } from '../domain/experiment-state';
import type { ExperimentsRepo } from '../db/experiments-repo';
import { withFailureMapping } from './to-failure';

export interface ExperimentActivityDeps {
  experiments: ExperimentsRepo;
  logger: Logger;
}

export function createExperimentActivities(deps: ExperimentActivityDeps) {
  return {
    /** Writes the workflow's snapshot: the API allocates with its weights and reads its results. */
    async persistExperimentState(experimentId: string, state: ExperimentState): Promise<void> {
      await withFailureMapping(() => deps.experiments.saveState(experimentId, state));
      if (state.status === 'completed') {
        deps.logger.info({ experimentId, stopReason: state.stopReason, winner: state.decision?.winnerId }, 'experiment completed');
      }
    },
  };
}

export type ExperimentActivities = ReturnType<typeof createExperimentActivities>;
