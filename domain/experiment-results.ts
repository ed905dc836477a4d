import type { ExperimentDefinition, MetricDefinition } from './experiment-types';
import { ALL_SEGMENTS, emptyAggregate, histogramQuantile, LATENCY_EDGES_MS, toMoments, type VariantAggregate } from './experiment-aggregates';
import { compareWithControl, lookThreshold, type Comparison } from './experiment-decision';
import { bestProbabilities, type AllocationPoint, type ExperimentState } from './experiment-state';
import { fnv1a } from './random';
import { meanInterval, wilsonInterval, type Interval } from './stats';

export interface VariantResult {
  id: string;
  name: string;
  model: string;
  isControl: boolean;
  weight: number;
  samples: number;
  successes: number;
  successRate?: number;
  successRateInterval?: Interval;
  latencyMs: { n: number; mean?: number; p50?: number; p95?: number; histogram: number[] };
  costUsd: { mean?: number; total: number };
  rating: { n: number; mean?: number; interval?: Interval };
  probabilityToBeBest?: number;
}

export interface ExperimentResults {
  experimentId: string;
  status: ExperimentState['status'];
  segment?: string;
  segments: string[];
  primaryMetric: MetricDefinition;
  confidence: number;
  variants: VariantResult[];
  comparisons: Comparison[];
  recommendation: { decided: boolean; winner?: string; text: string };
  latencyBucketEdgesMs: readonly number[];
  allocationHistory: AllocationPoint[];
  totalCostUsd: number;
  outcomes: number;
  stopReason?: string;
  startedAt?: string;
  completedAt?: string;
}

const METRIC_LABEL: Record<MetricDefinition['name'], string> = {
  success_rate: 'success rate',
  latency: 'latency',
  cost: 'cost',
  rating: 'rating',
};

export function formatMetric(metric: MetricDefinition['name'], value: number): string {
  if (metric === 'success_rate') return `${(value * 100).toFixed(1)}%`;
  if (metric === 'latency') return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
  if (metric === 'cost') return `$${value.toFixed(4)}`;
  return value.toFixed(2);
}

function variantResult(def: ExperimentDefinition, state: ExperimentState, agg: VariantAggregate, index: number): VariantResult {
  const v = def.variants[index]!;
  const latency = toMoments(agg.latency);
  const rating = toMoments(agg.rating);
  const ratingInterval = meanInterval(rating);
  const p50 = histogramQuantile(agg.latencyHistogram, 0.5);
  const p95 = histogramQuantile(agg.latencyHistogram, 0.95);
  return {
    id: v.id,
    name: v.name,
    model: v.model,
    isControl: v.id === def.controlId,
    weight: state.weights[index] ?? 0,
    samples: agg.samples,
    successes: agg.successes,
    ...(agg.samples > 0 ? { successRate: agg.successes / agg.samples, successRateInterval: wilsonInterval(agg.successes, agg.samples) } : {}),
    latencyMs: {
      n: latency.n,
      ...(latency.n > 0 ? { mean: latency.mean } : {}),
      ...(p50 !== undefined ? { p50 } : {}),
      ...(p95 !== undefined ? { p95 } : {}),
      histogram: agg.latencyHistogram,
    },
    costUsd: { total: agg.cost.mean * agg.cost.n, ...(agg.cost.n > 0 ? { mean: agg.cost.mean } : {}) },
    rating: { n: rating.n, ...(rating.n > 0 ? { mean: rating.mean } : {}), ...(ratingInterval ? { interval: ratingInterval } : {}) },
  };
}

function nameOf(def: ExperimentDefinition, id: string): string {
  return def.variants.find((v) => v.id === id)?.name ?? id;
}

function recommendation(def: ExperimentDefinition, state: ExperimentState, segment: string | undefined): ExperimentResults['recommendation'] {
  const d = state.decision;
  if (segment === undefined && d) {
    const metric = def.primaryMetric.name;
    const winner = nameOf(def, d.winnerId);
    const control = nameOf(def, def.controlId);
    const fmt = (x: number) => formatMetric(metric, x);
    if (d.winnerId === def.controlId) {
      const worst = d.comparisons.map((c) => `${nameOf(def, c.variantId)} ${fmt(c.variant)}`).join(', ');
      return {
        decided: true,
        winner,
        text: `Keep ${control}: every alternative did worse on ${METRIC_LABEL[metric]} (${control} ${fmt(d.comparisons[0]!.control)}; ${worst}; p < ${d.alpha.toPrecision(2)} at ${d.samplesPerVariant} samples per variant).`,
      };
    }
    const c = d.comparisons.find((x) => x.variantId === d.winnerId)!;
    return {
      decided: true,
      winner,
      text: `Switch to ${winner}: its ${METRIC_LABEL[metric]} is ${fmt(c.variant)} against ${fmt(c.control)} for ${control} (p = ${c.pValue.toPrecision(2)}, below the ${d.alpha.toPrecision(2)} this look allows, at ${d.samplesPerVariant} samples per variant).`,
    };
  }
  if (segment !== undefined) {
    return { decided: false, text: 'not enough data: segments are exploratory; a recommendation is made on the whole population only' };
  }
  const all = state.aggregates[ALL_SEGMENTS] ?? {};
  const minSamples = Math.min(...def.variants.map((v) => all[v.id]?.samples ?? 0));
  const next = lookThreshold(def, state.looks);
  if (minSamples < next) {
    return { decided: false, text: `not enough data: the next significance check needs ${next} outcomes per variant (the smallest variant has ${minSamples})` };
  }
  return { decided: false, text: `not enough data: no significant difference on ${METRIC_LABEL[def.primaryMetric.name]} yet (checked ${state.looks} time(s); next check at ${next} outcomes per variant)` };
}

/** The results an administrator reads: per variant, against the control, and a recommendation. */
export function computeResults(def: ExperimentDefinition, state: ExperimentState, segment?: string): ExperimentResults {
  const aggs = state.aggregates[segment ?? ALL_SEGMENTS] ?? {};
  const byVariant = def.variants.map((v) => aggs[v.id] ?? emptyAggregate());
  const variants = byVariant.map((agg, i) => variantResult(def, state, agg, i));
  if (def.allocation.type === 'thompson') {
    const probs = bestProbabilities(def, { [ALL_SEGMENTS]: Object.fromEntries(def.variants.map((v, i) => [v.id, byVariant[i]!])) }, fnv1a(def.id));
    variants.forEach((v, i) => (v.probabilityToBeBest = probs[i]));
  }
  const controlIndex = def.variants.findIndex((v) => v.id === def.controlId);
  const comparisons: Comparison[] = [];
  for (const metric of def.metrics) {
    def.variants.forEach((v, i) => {
      if (i === controlIndex) return;
      const c = compareWithControl(byVariant[controlIndex]!, byVariant[i]!, v.id, metric);
      if (c) comparisons.push(c);
    });
  }
  return {
    experimentId: def.id,
    status: state.status,
    ...(segment !== undefined ? { segment } : {}),
    segments: Object.keys(state.aggregates).filter((s) => s !== ALL_SEGMENTS).sort(),
    primaryMetric: def.primaryMetric,
    confidence: def.stopRules.confidence,
    variants,
    comparisons,
    recommendation: recommendation(def, state, segment),
    latencyBucketEdgesMs: LATENCY_EDGES_MS,
    allocationHistory: state.allocationHistory,
    totalCostUsd: state.totalCostUsd,
    outcomes: state.outcomes,
    ...(state.stopReason ? { stopReason: state.stopReason } : {}),
    ...(state.startedAt !== undefined ? { startedAt: new Date(state.startedAt).toISOString() } : {}),
    ...(state.completedAt !== undefined ? { completedAt: new Date(state.completedAt).toISOString() } : {}),
  };
}
