import { describe, expect, it } from 'vitest';
import { assignVariant } from '../../domain/allocation';
import { createExperimentBody, toDefinition, type CreateExperimentBody, type ExperimentDefinition } from '../../domain/experiment';
import { applyOutcome } from '../../domain/experiment-aggregates';
import { computeResults } from '../../domain/experiment-results';
import { newExperimentState, tick, type ExperimentState, type StopReason } from '../../domain/experiment-state';
import { createRng, type Rng } from '../../domain/random';
import { twoProportionZTest } from '../../domain/stats';

function definition(allocation: CreateExperimentBody['allocation'], stopRules: Record<string, number> = {}): ExperimentDefinition {
  const body = createExperimentBody.parse({
    name: 'sim',
    variants: [
      { name: 'A', model: 'local/image' },
      { name: 'B', model: 'local/image' },
    ],
    allocation,
    metrics: [{ name: 'success_rate', goal: 'maximize' }],
    stopRules: { minSamplesPerVariant: 100, maxSamplesPerVariant: 1600, ...stopRules },
  });
  return toDefinition('sim-exp', body);
}

interface SimRun {
  state: ExperimentState;
  stop?: StopReason;
  traffic: number[];
}

/**
 * Drives the same state machine the workflow runs: traffic is allocated by the current
 * weights, outcomes are Bernoulli draws with the true rates, and a tick every `batch` outcomes.
 */
function simulate(def: ExperimentDefinition, trueRates: number[], rng: Rng, batch = 50, maxOutcomes = 20_000): SimRun {
  const state = newExperimentState(def);
  state.status = 'running';
  state.startedAt = 0;
  const traffic = trueRates.map(() => 0);
  for (let i = 1; i <= maxOutcomes; i++) {
    const v = assignVariant(def, state.weights, undefined, () => rng.next());
    const index = def.variants.indexOf(v);
    traffic[index]! += 1;
    applyOutcome(state.aggregates, def, { generationId: `g${i}`, variantId: v.id, success: rng.next() < trueRates[index]!, latencyMs: 1000, costUsd: 0 });
    state.outcomes += 1;
    if (i % batch === 0) {
      const stop = tick(def, state, i * 1000);
      if (stop) return { state, stop, traffic };
    }
  }
  return { state, traffic };
}

describe('experiment simulation (deterministic seeds)', () => {
  it('0.90 against 0.80 with a 50/50 split reaches significance for the better variant', () => {
    const def = definition({ type: 'fixed', weights: [1, 1] });
    const rng = createRng('sim-fixed');
    const runs = Array.from({ length: 200 }, () => simulate(def, [0.8, 0.9], rng));
    const winsForB = runs.filter((r) => r.stop === 'significance' && r.state.decision?.winnerId === 'v2').length;
    const winsForA = runs.filter((r) => r.state.decision?.winnerId === 'v1').length;
    expect(winsForB / runs.length).toBeGreaterThan(0.95);
    expect(winsForA).toBe(0);
    // And the results say so in words.
    const decided = runs.find((r) => r.state.decision)!;
    const results = computeResults(def, decided.state);
    expect(results.recommendation.decided).toBe(true);
    expect(results.recommendation.text).toMatch(/^Switch to B/);
  });

  it('the Thompson bandit sends most traffic to the better variant', () => {
    const def = definition({ type: 'thompson' }, { maxSamplesPerVariant: 1_000_000 });
    const rng = createRng('sim-bandit');
    // No significance stop: minSamplesPerVariant is set beyond the horizon to watch the allocation alone.
    def.stopRules.minSamplesPerVariant = 1_000_000;
    const runs = Array.from({ length: 10 }, () => simulate(def, [0.8, 0.9], rng, 100, 3000));
    for (const run of runs) {
      const shareB = run.traffic[1]! / (run.traffic[0]! + run.traffic[1]!);
      expect(shareB).toBeGreaterThan(0.6);
    }
    const finalWeightsB = runs.map((r) => r.state.weights[1]!);
    expect(finalWeightsB.filter((w) => w > 0.8).length).toBeGreaterThanOrEqual(8);
    expect(computeResults(def, runs[0]!.state).variants[1]!.probabilityToBeBest).toBeGreaterThan(0.9);
  });

  it('identical variants declare a winner no more often than 1 − confidence allows', () => {
    const def = definition({ type: 'fixed', weights: [1, 1] });
    const rng = createRng('sim-aa');
    const runs = 1000;
    let falseWinners = 0;
    let naivePeekingWinners = 0;
    for (let r = 0; r < runs; r++) {
      const run = simulate(def, [0.85, 0.85], rng, 100);
      if (run.state.decision) falseWinners += 1;
    }
    // Naive peeking on A/A data (test at 5% every 50 outcomes, stop at the first "win") must
    // exceed 5%: that shows the simulation can see the inflation the stopping rule avoids.
    const rng2 = createRng('sim-aa-naive');
    for (let r = 0; r < runs; r++) {
      let sA = 0;
      let sB = 0;
      for (let n = 1; n <= 1600; n++) {
        sA += rng2.next() < 0.85 ? 1 : 0;
        sB += rng2.next() < 0.85 ? 1 : 0;
        if (n >= 100 && n % 50 === 0 && twoProportionZTest(sA, n, sB, n).pValue < 0.05) {
          naivePeekingWinners += 1;
          break;
        }
      }
    }
    expect(falseWinners / runs).toBeLessThanOrEqual(0.05);
    expect(naivePeekingWinners / runs).toBeGreaterThan(0.1);
  });
});
