import { posteriorOf, probabilityToBeBest, thompsonWeights } from './bandit';
import { initialWeights, type ExperimentDefinition, type ExperimentStatus } from './experiment-types';
import { ALL_SEGMENTS, emptyAggregates, type SegmentedAggregates } from './experiment-aggregates';
import { takeLooks, type Decision } from './experiment-decision';
import { fnv1a } from './random';

export type StopReason = 'significance' | 'max_days' | 'max_cost' | 'max_samples' | 'manual';

export interface AllocationPoint {
  /** Epoch ms. */
  at: number;
  weights: number[];
  /** Outcomes per variant so far, in variant order. */
  samples: number[];
}

/** The experiment workflow's state: what it persists, serves by query and carries over continue-as-new. */
export interface ExperimentState {
  status: ExperimentStatus;
  /** Lifecycle moves applied so far (the API counts the same moves; see experiments-repo). */
  lifecycleVersion: number;
  startedAt?: number;
  completedAt?: number;
  stopReason?: StopReason;
  /** Current traffic split, in variant order; the API allocates with it. */
  weights: number[];
  aggregates: SegmentedAggregates;
  totalCostUsd: number;
  outcomes: number;
  ratings: number;
  /** Sequential looks already spent (see takeLooks). */
  looks: number;
  decision?: Decision;
  allocationHistory: AllocationPoint[];
  /** Recently counted generation ids: a re-delivered outcome is not counted twice. */
  recentGenerationIds: string[];
  /** Weight recomputations so far; seeds the Monte Carlo draws so replays agree. */
  ticks: number;
}

export const MAX_HISTORY_POINTS = 240;
export const RECENT_IDS_KEPT = 2_000;

export function newExperimentState(def: ExperimentDefinition): ExperimentState {
  return {
    status: 'draft',
    lifecycleVersion: 0,
    weights: initialWeights(def),
    aggregates: emptyAggregates(def),
    totalCostUsd: 0,
    outcomes: 0,
    ratings: 0,
    looks: 0,
    allocationHistory: [],
    recentGenerationIds: [],
    ticks: 0,
  };
}

export function samplesByVariant(def: ExperimentDefinition, aggs: SegmentedAggregates): number[] {
  return def.variants.map((v) => aggs[ALL_SEGMENTS]?.[v.id]?.samples ?? 0);
}

/** Keeps the history bounded by dropping every other old point: the chart's shape survives. */
export function pushHistory(state: ExperimentState, point: AllocationPoint): void {
  state.allocationHistory.push(point);
  if (state.allocationHistory.length > MAX_HISTORY_POINTS) {
    const old = state.allocationHistory;
    state.allocationHistory = [...old.slice(0, -20).filter((_, i) => i % 2 === 0), ...old.slice(-20)];
  }
}

/** Probability to be best on the primary metric, seeded so a query and its replay agree. */
export function bestProbabilities(def: ExperimentDefinition, aggs: SegmentedAggregates, seed: number): number[] {
  const all = aggs[ALL_SEGMENTS] ?? {};
  const posteriors = def.variants.map((v) => posteriorOf(all[v.id]!, def.primaryMetric));
  return probabilityToBeBest(posteriors, def.primaryMetric.goal, seed);
}

/** Recomputes the traffic split: Thompson sampling for a bandit, the fixed weights otherwise. */
export function recomputeWeights(def: ExperimentDefinition, state: ExperimentState): number[] {
  if (def.allocation.type === 'fixed') return initialWeights(def);
  return thompsonWeights(bestProbabilities(def, state.aggregates, fnv1a(def.id) + state.ticks));
}

/**
 * One periodic step of a running experiment at time `now`: new weights, sequential looks and the
 * stop rules. Returns why the experiment must stop, if it must.
 */
export function tick(def: ExperimentDefinition, state: ExperimentState, now: number): StopReason | undefined {
  state.ticks += 1;
  state.weights = recomputeWeights(def, state);
  pushHistory(state, { at: now, weights: state.weights, samples: samplesByVariant(def, state.aggregates) });
  const looked = takeLooks(def, state.aggregates, state.looks);
  state.looks = looked.looks;
  if (looked.decision) {
    state.decision = looked.decision;
    return 'significance';
  }
  return stopRuleReached(def, state, now);
}

/** The rules that stop an experiment without a decision: budget, deadline, sample size. */
export function stopRuleReached(def: ExperimentDefinition, state: ExperimentState, now: number): StopReason | undefined {
  const rules = def.stopRules;
  if (rules.maxCost !== undefined && state.totalCostUsd >= rules.maxCost) return 'max_cost';
  if (rules.maxDays !== undefined && state.startedAt !== undefined && now - state.startedAt >= rules.maxDays * 86_400_000) return 'max_days';
  if (rules.maxSamplesPerVariant !== undefined && Math.min(...samplesByVariant(def, state.aggregates)) >= rules.maxSamplesPerVariant) {
    return 'max_samples';
  }
  return undefined;
}

/** Lifecycle moves an administrator may ask for, from each status. */
const TRANSITIONS: Record<ExperimentStatus, Partial<Record<'start' | 'pause' | 'resume' | 'complete', ExperimentStatus>>> = {
  draft: { start: 'running', complete: 'completed' },
  running: { pause: 'paused', complete: 'completed' },
  paused: { resume: 'running', complete: 'completed' },
  completed: {},
};

export type LifecycleAction = 'start' | 'pause' | 'resume' | 'complete';

export function nextStatus(status: ExperimentStatus, action: LifecycleAction): ExperimentStatus | undefined {
  return TRANSITIONS[status][action];
}
