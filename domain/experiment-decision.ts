import type { ExperimentDefinition, MetricDefinition } from './experiment-types';
import { ALL_SEGMENTS, toMoments, type SegmentedAggregates, type VariantAggregate } from './experiment-aggregates';
import { twoProportionZTest, welchTTest } from './stats';

export interface Comparison {
  variantId: string;
  metric: MetricDefinition['name'];
  test: 'two-proportion z-test' | "Welch's t-test";
  control: number;
  variant: number;
  /** Variant minus control. */
  difference: number;
  /** difference / control, when the control is not 0. */
  relativeDifference?: number;
  statistic: number;
  df?: number;
  pValue: number;
  /** The variant's estimate is better than the control's in the metric's goal direction. */
  better: boolean;
}

function runningOf(agg: VariantAggregate, metric: MetricDefinition['name']) {
  return metric === 'latency' ? agg.latency : metric === 'cost' ? agg.cost : agg.rating;
}

/** Compares one variant with the control on one metric; undefined until both have data for it. */
export function compareWithControl(control: VariantAggregate, variant: VariantAggregate, variantId: string, metric: MetricDefinition): Comparison | undefined {
  const direction = metric.goal === 'maximize' ? 1 : -1;
  if (metric.name === 'success_rate') {
    if (control.samples === 0 || variant.samples === 0) return undefined;
    const r = twoProportionZTest(control.successes, control.samples, variant.successes, variant.samples);
    const c = control.successes / control.samples;
    return {
      variantId,
      metric: metric.name,
      test: 'two-proportion z-test',
      control: c,
      variant: variant.successes / variant.samples,
      difference: r.difference,
      ...(c !== 0 ? { relativeDifference: r.difference / c } : {}),
      statistic: r.statistic,
      pValue: r.pValue,
      better: direction * r.difference > 0,
    };
  }
  const a = toMoments(runningOf(control, metric.name));
  const b = toMoments(runningOf(variant, metric.name));
  if (a.n < 2 || b.n < 2) return undefined;
  const r = welchTTest(a, b);
  return {
    variantId,
    metric: metric.name,
    test: "Welch's t-test",
    control: a.mean,
    variant: b.mean,
    difference: r.difference,
    ...(a.mean !== 0 ? { relativeDifference: r.difference / a.mean } : {}),
    statistic: r.statistic,
    df: r.df,
    pValue: r.pValue,
    better: direction * r.difference > 0,
  };
}

/**
 * Sequential testing without inflating false positives: the primary metric is tested only at
 * "looks" when the smallest variant reaches minSamples × 2^k, and look k may spend
 * α / 2^(k+1) (split evenly over the comparisons with the control). The spent α sums to at
 * most α however long the experiment runs (Bonferroni over looks), so peeking every minute
 * cannot manufacture a winner between identical variants.
 */
export function lookThreshold(def: ExperimentDefinition, look: number): number {
  return def.stopRules.minSamplesPerVariant * Math.pow(2, look);
}

export function alphaForLook(def: ExperimentDefinition, look: number): number {
  const comparisons = Math.max(1, def.variants.length - 1);
  return (1 - def.stopRules.confidence) / Math.pow(2, look + 1) / comparisons;
}

export interface Decision {
  /** The variant to prefer: a treatment that beat the control, or the control when every treatment lost. */
  winnerId: string;
  look: number;
  alpha: number;
  samplesPerVariant: number;
  comparisons: Comparison[];
}

function decideAtLook(def: ExperimentDefinition, all: Record<string, VariantAggregate>, look: number): Decision | undefined {
  const control = all[def.controlId];
  if (!control) return undefined;
  const alpha = alphaForLook(def, look);
  const comparisons = def.variants
    .filter((v) => v.id !== def.controlId)
    .map((v) => compareWithControl(control, all[v.id]!, v.id, def.primaryMetric))
    .filter((c): c is Comparison => c !== undefined);
  if (comparisons.length !== def.variants.length - 1) return undefined;
  const samplesPerVariant = Math.min(...def.variants.map((v) => all[v.id]?.samples ?? 0));
  const winners = comparisons.filter((c) => c.better && c.pValue < alpha);
  if (winners.length > 0) {
    const sign = def.primaryMetric.goal === 'maximize' ? 1 : -1;
    const best = winners.reduce((x, y) => (sign * y.variant > sign * x.variant ? y : x));
    return { winnerId: best.variantId, look, alpha, samplesPerVariant, comparisons };
  }
  if (comparisons.every((c) => !c.better && c.pValue < alpha)) {
    return { winnerId: def.controlId, look, alpha, samplesPerVariant, comparisons };
  }
  return undefined;
}

/**
 * Takes every look the sample sizes allow since `looksTaken`; returns the looks now taken and
 * the decision of the first look that found one.
 */
export function takeLooks(def: ExperimentDefinition, aggs: SegmentedAggregates, looksTaken: number): { looks: number; decision?: Decision } {
  const all = aggs[ALL_SEGMENTS] ?? {};
  const minSamples = Math.min(...def.variants.map((v) => all[v.id]?.samples ?? 0));
  let looks = looksTaken;
  // A look counts only when the primary metric can be tested (e.g. a mean needs two values).
  while (minSamples >= lookThreshold(def, looks) && looks < 60) {
    const canTest = def.variants.every((v) => v.id === def.controlId || compareWithControl(all[def.controlId]!, all[v.id]!, v.id, def.primaryMetric));
    if (!canTest) break;
    const decision = decideAtLook(def, all, looks);
    looks += 1;
    if (decision) return { looks, decision };
  }
  return { looks };
}
