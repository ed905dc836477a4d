import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ExperimentActivities } from '../activities/experiment-activities';
import type { ExperimentDefinition, ExperimentOutcome, ExperimentRating } from '../domain/experiment-types';
import { applyOutcome, applyRating } from '../domain/experiment-aggregates';
import { computeResults, type ExperimentResults } from '../domain/experiment-results';
import {
  newExperimentState,
  nextStatus,
  pushHistory,
  RECENT_IDS_KEPT,
  samplesByVariant,
  tick,
  type ExperimentState,
  type LifecycleAction,
} from '../domain/experiment-state';

export interface ExperimentWorkflowInput {
  definition: ExperimentDefinition;
  /** Carried over continue-as-new: aggregates and lifecycle survive into the next run. */
  state?: ExperimentState;
  /** Signals handled by one run before it continues as new (bounds the history). */
  continueAsNewAfter?: number;
  /** Outcomes arrived since the last tick of the previous run. */
  dirty?: boolean;
}

export const lifecycleSignal = defineSignal<[LifecycleAction]>('lifecycle');
export const outcomeSignal = defineSignal<[ExperimentOutcome]>('outcome');
export const ratingSignal = defineSignal<[ExperimentRating]>('rating');
export const experimentStateQuery = defineQuery<ExperimentState>('state');
export const experimentResultsQuery = defineQuery<ExperimentResults, [string?]>('results');

/** Persisting is bookkeeping against our own database: retried until it works. */
const acts = proxyActivities<ExperimentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const DEFAULT_CONTINUE_AS_NEW_AFTER = 2_000;

/**
 * One experiment: draft → running ⇄ paused → completed. Outcomes and ratings arrive by signal
 * and go into running aggregates; while outcomes keep coming, weights are recomputed and the
 * stop rules checked once per interval on a durable timer (idle, it sleeps until the deadline).
 */
export async function experimentWorkflow(input: ExperimentWorkflowInput): Promise<ExperimentState> {
  const def = input.definition;
  const state = input.state ?? newExperimentState(def);
  const intervalMs = def.recomputeIntervalSeconds * 1000;
  const limit = input.continueAsNewAfter ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  let signalsThisRun = 0;
  let dirty = input.dirty ?? false;
  let lifecycleChanged = input.state === undefined; // a new experiment persists its draft once
  let lastTick = 0;

  setHandler(lifecycleSignal, (action) => {
    signalsThisRun += 1;
    const next = nextStatus(state.status, action);
    if (!next) return; // the API checks transitions; a stale duplicate is ignored here
    state.status = next;
    state.lifecycleVersion += 1;
    if (action === 'start') state.startedAt = Date.now();
    if (next === 'completed') {
      state.completedAt = Date.now();
      state.stopReason ??= 'manual';
    }
    lifecycleChanged = true;
  });

  setHandler(outcomeSignal, (o) => {
    signalsThisRun += 1;
    // Generations allocated before a pause still finish and count; after completion nothing does.
    if (state.status === 'completed' || state.recentGenerationIds.includes(o.generationId)) return;
    if (!applyOutcome(state.aggregates, def, o)) return;
    state.recentGenerationIds.push(o.generationId);
    if (state.recentGenerationIds.length > RECENT_IDS_KEPT) state.recentGenerationIds.shift();
    state.outcomes += 1;
    state.totalCostUsd += o.costUsd;
    dirty = true;
  });

  setHandler(ratingSignal, (r) => {
    signalsThisRun += 1;
    if (state.status === 'completed') return;
    if (!applyRating(state.aggregates, def, r)) return;
    if (r.previousRating === undefined) state.ratings += 1;
    dirty = true;
  });

  setHandler(experimentStateQuery, () => state);
  setHandler(experimentResultsQuery, (segment?: string) => computeResults(def, state, segment));

  const complete = (reason: ExperimentState['stopReason'], now: number) => {
    state.status = 'completed';
    state.lifecycleVersion += 1;
    state.completedAt = now;
    state.stopReason = reason;
  };

  for (;;) {
    if (lifecycleChanged) {
      lifecycleChanged = false;
      if (state.status === 'running' && state.allocationHistory.length === 0) {
        pushHistory(state, { at: Date.now(), weights: state.weights, samples: samplesByVariant(def, state.aggregates) });
      }
      // Signals may land while this runs: loop again so the last status is the one persisted.
      await acts.persistExperimentState(def.id, state);
      continue;
    }
    if (state.status === 'completed') break;

    if (state.status !== 'running') {
      // Draft or paused: wait for the administrator; late outcomes are persisted once per interval.
      if (dirty) {
        if (!(await condition(() => lifecycleChanged, intervalMs))) {
          dirty = false;
          await acts.persistExperimentState(def.id, state);
        }
      } else {
        await condition(() => lifecycleChanged || dirty);
      }
    } else {
      const now = Date.now();
      const deadline = def.stopRules.maxDays !== undefined && state.startedAt !== undefined ? state.startedAt + def.stopRules.maxDays * 86_400_000 : undefined;
      // With new outcomes, the next tick is one interval after the last; idle, only the deadline matters.
      const nextTick = dirty ? lastTick + intervalMs : undefined;
      const dueAt = nextTick === undefined ? deadline : Math.min(nextTick, deadline ?? Infinity);
      if (dueAt === undefined) {
        await condition(() => lifecycleChanged || dirty);
        continue;
      }
      if (dueAt > now) {
        const wasDirty = dirty;
        await condition(() => lifecycleChanged || (!wasDirty && dirty), dueAt - now);
        continue;
      }
      lastTick = now;
      dirty = false;
      const stop = tick(def, state, now);
      if (stop) complete(stop, now);
      await acts.persistExperimentState(def.id, state);
      if (stop) break;
    }

    if (signalsThisRun >= limit || workflowInfo().continueAsNewSuggested) {
      // Aggregates are constant-size, so the next run starts with a short history and all the data.
      await continueAsNew<typeof experimentWorkflow>({ ...input, state, dirty });
    }
  }
  return state;
}
