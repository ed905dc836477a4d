import type { ExperimentDefinition, ExperimentOutcome, ExperimentRating } from './experiment-types';
import type { SampleMoments } from './stats';

/**
 * Running aggregates of an experiment's outcomes: constant size per variant and segment, so
 * they can live in workflow state and be carried over continue-as-new without raw samples.
 */

/** Welford's running mean and sum of squared deviations (numerically stable, removable). */
export interface Running {
  n: number;
  mean: number;
  m2: number;
}

export const emptyRunning = (): Running => ({ n: 0, mean: 0, m2: 0 });

export function addValue(r: Running, x: number): void {
  r.n += 1;
  const delta = x - r.mean;
  r.mean += delta / r.n;
  r.m2 += delta * (x - r.mean);
}

/** Undoes addValue(x): lets a changed rating replace the old one. */
export function removeValue(r: Running, x: number): void {
  if (r.n <= 1) {
    r.n = 0;
    r.mean = 0;
    r.m2 = 0;
    return;
  }
  const meanWithout = (r.n * r.mean - x) / (r.n - 1);
  r.m2 = Math.max(0, r.m2 - (x - r.mean) * (x - meanWithout));
  r.mean = meanWithout;
  r.n -= 1;
}

export function toMoments(r: Running): SampleMoments {
  return { n: r.n, mean: r.mean, variance: r.n < 2 ? 0 : r.m2 / (r.n - 1) };
}

/**
 * Latency histogram edges in ms: 10 ms × √2^k up to about 3 hours. Quantiles read from it are
 * within one bucket (±19%), enough to compare variants whose latencies differ meaningfully.
 */
export const LATENCY_EDGES_MS: readonly number[] = Array.from({ length: 41 }, (_, k) => Math.round(10 * Math.pow(Math.SQRT2, k)));

function bucketOf(ms: number): number {
  let i = 0;
  while (i < LATENCY_EDGES_MS.length && ms >= LATENCY_EDGES_MS[i]!) i++;
  return i; // 0: below the first edge; LATENCY_EDGES_MS.length: above the last.
}

/** Quantile from the histogram, interpolated geometrically inside its bucket. */
export function histogramQuantile(counts: readonly number[], q: number): number | undefined {
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return undefined;
  const target = q * total;
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0 && acc + c >= target) {
      const lo = i === 0 ? LATENCY_EDGES_MS[0]! / Math.SQRT2 : LATENCY_EDGES_MS[i - 1]!;
      const hi = i < LATENCY_EDGES_MS.length ? LATENCY_EDGES_MS[i]! : lo * Math.SQRT2;
      const frac = Math.min(1, Math.max(0, (target - acc) / c));
      return lo * Math.pow(hi / lo, frac);
    }
    acc += c;
  }
  return LATENCY_EDGES_MS[LATENCY_EDGES_MS.length - 1];
}

export interface VariantAggregate {
  /** Finished generations (succeeded or failed). */
  samples: number;
  successes: number;
  /** Latency of successful generations. */
  latency: Running;
  latencyHistogram: number[];
  cost: Running;
  rating: Running;
}

export const emptyAggregate = (): VariantAggregate => ({
  samples: 0,
  successes: 0,
  latency: emptyRunning(),
  latencyHistogram: new Array<number>(LATENCY_EDGES_MS.length + 1).fill(0),
  cost: emptyRunning(),
  rating: emptyRunning(),
});

/** Outcomes by segment, then by variant id. `ALL_SEGMENTS` holds every outcome. */
export type SegmentedAggregates = Record<string, Record<string, VariantAggregate>>;
export const ALL_SEGMENTS = '*';
/** Outcomes without a segment are analysed under this name. */
export const NO_SEGMENT = '(none)';
/** Beyond this many segments, new ones are pooled into OTHER_SEGMENT: workflow state stays bounded. */
export const MAX_SEGMENTS = 20;
export const OTHER_SEGMENT = '(other)';

export function emptyAggregates(def: ExperimentDefinition): SegmentedAggregates {
  return { [ALL_SEGMENTS]: Object.fromEntries(def.variants.map((v) => [v.id, emptyAggregate()])) };
}

function segmentBucket(aggs: SegmentedAggregates, def: ExperimentDefinition, segment: string | undefined) {
  let key = segment?.trim() || NO_SEGMENT;
  if (!aggs[key] && Object.keys(aggs).length - 1 >= MAX_SEGMENTS) key = OTHER_SEGMENT;
  const bucket = aggs[key] ?? Object.fromEntries(def.variants.map((v) => [v.id, emptyAggregate()]));
  aggs[key] = bucket;
  return bucket;
}

function targets(aggs: SegmentedAggregates, def: ExperimentDefinition, variantId: string, segment?: string): VariantAggregate[] {
  const all = aggs[ALL_SEGMENTS]?.[variantId];
  const seg = segmentBucket(aggs, def, segment)[variantId];
  return [all, seg].filter((a): a is VariantAggregate => a !== undefined);
}

export function applyOutcome(aggs: SegmentedAggregates, def: ExperimentDefinition, o: ExperimentOutcome): boolean {
  if (!def.variants.some((v) => v.id === o.variantId)) return false;
  for (const a of targets(aggs, def, o.variantId, o.segment)) {
    a.samples += 1;
    addValue(a.cost, o.costUsd);
    if (o.success) {
      a.successes += 1;
      addValue(a.latency, o.latencyMs);
      a.latencyHistogram[bucketOf(o.latencyMs)]! += 1;
    }
  }
  return true;
}

export function applyRating(aggs: SegmentedAggregates, def: ExperimentDefinition, r: ExperimentRating): boolean {
  if (!def.variants.some((v) => v.id === r.variantId)) return false;
  for (const a of targets(aggs, def, r.variantId, r.segment)) {
    if (r.previousRating !== undefined && a.rating.n > 0) removeValue(a.rating, r.previousRating);
    addValue(a.rating, r.rating);
  }
  return true;
}
