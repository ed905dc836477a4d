import type { MetricDefinition } from './experiment-types';
import { toMoments, type VariantAggregate } from './experiment-aggregates';
import { createRng, sampleBeta, sampleNormal, type Rng } from './random';

/** A posterior we can draw from: Beta for a success rate, Normal for a mean. */
export type Posterior = { kind: 'beta'; a: number; b: number } | { kind: 'normal'; mean: number; sd: number } | { kind: 'unknown' };

/** Beta(1,1) prior for rates; a mean needs two observations before it says anything. */
export function posteriorOf(agg: VariantAggregate, metric: MetricDefinition): Posterior {
  if (metric.name === 'success_rate') return { kind: 'beta', a: 1 + agg.successes, b: 1 + agg.samples - agg.successes };
  const running = metric.name === 'latency' ? agg.latency : metric.name === 'cost' ? agg.cost : agg.rating;
  const m = toMoments(running);
  if (m.n < 2) return { kind: 'unknown' };
  return { kind: 'normal', mean: m.mean, sd: Math.sqrt(m.variance / m.n) };
}

function draw(rng: Rng, p: Posterior): number | undefined {
  if (p.kind === 'beta') return sampleBeta(rng, p.a, p.b);
  if (p.kind === 'normal') return p.mean + p.sd * sampleNormal(rng);
  return undefined;
}

/**
 * P(each variant is the best) by Monte Carlo over the posteriors. Variants without data tie
 * with each other through a random tie-break, so they keep getting traffic.
 */
export function probabilityToBeBest(posteriors: readonly Posterior[], goal: 'maximize' | 'minimize', seed: number | string, draws = 4000): number[] {
  const rng = createRng(seed);
  const wins = posteriors.map(() => 0);
  const sign = goal === 'maximize' ? 1 : -1;
  const known = posteriors.some((p) => p.kind !== 'unknown');
  for (let d = 0; d < draws; d++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < posteriors.length; i++) {
      const v = draw(rng, posteriors[i]!);
      // An unknown variant is "best" in a draw with a fair coin against the known ones.
      const score = v === undefined ? (known ? (rng.next() < 0.5 ? Infinity : -Infinity) : rng.next()) : sign * v;
      if (score > bestValue || best < 0) {
        best = i;
        bestValue = score;
      }
    }
    wins[best]! += 1;
  }
  return wins.map((w) => w / draws);
}

/**
 * Thompson-sampling traffic split: each variant's share is its probability to be best, with a
 * small floor so a variant that looks bad early is still measured (and can recover).
 */
export function thompsonWeights(probabilities: readonly number[], floorTotal = 0.1): number[] {
  const k = probabilities.length;
  const floor = floorTotal / k;
  const raised = probabilities.map((p) => floor + (1 - floorTotal) * p);
  const total = raised.reduce((s, w) => s + w, 0);
  return raised.map((w) => w / total);
}
