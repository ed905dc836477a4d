import { describe, expect, it } from 'vitest';
import { addValue, emptyRunning, histogramQuantile, LATENCY_EDGES_MS, removeValue, toMoments } from '../../domain/experiment-aggregates';
import { createRng, sampleBeta, sampleGamma } from '../../domain/random';
import {
  lnGamma,
  meanInterval,
  moments,
  normalCdf,
  normalQuantile,
  quantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  twoProportionZTest,
  welchTTest,
  wilsonInterval,
} from '../../domain/stats';

describe('distribution functions', () => {
  it('normal CDF and quantile match the standard table', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 5);
  });

  it('ln Γ and the regularized incomplete beta function match closed forms', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
    // I_x(a, 1) = x^a and I_0.5(2, 3) = 11/16 (by the binomial sum).
    expect(regularizedIncompleteBeta(0.3, 4, 1)).toBeCloseTo(0.3 ** 4, 10);
    expect(regularizedIncompleteBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 10);
  });

  it("Student's t CDF reproduces the critical values of a printed t table", () => {
    // Two-sided 5% critical values: df=1 → 12.706, df=10 → 2.228, df=30 → 2.042.
    expect(2 * (1 - studentTCdf(12.706, 1))).toBeCloseTo(0.05, 4);
    expect(2 * (1 - studentTCdf(2.228, 10))).toBeCloseTo(0.05, 4);
    expect(2 * (1 - studentTCdf(2.042, 30))).toBeCloseTo(0.05, 4);
    // df=1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π.
    expect(studentTCdf(0.7, 1)).toBeCloseTo(0.5 + Math.atan(0.7) / Math.PI, 10);
    expect(studentTCdf(-2, 5)).toBeCloseTo(1 - studentTCdf(2, 5), 12);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 5);
  });
});

describe('Wilson score interval', () => {
  it('matches the published intervals of Newcombe (1998), Table I, method 3', () => {
    // R. G. Newcombe, "Two-sided confidence intervals for the single proportion: comparison of
    // seven methods", Statistics in Medicine 17 (1998) 857–872: 81/263 → 0.2553–0.3662,
    // 15/148 → 0.0624–0.1605, 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718.
    const cases: Array<[number, number, number, number]> = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, low, high] of cases) {
      const ci = wilsonInterval(x, n);
      expect(ci.low).toBeCloseTo(low, 4);
      expect(ci.high).toBeCloseTo(high, 4);
    }
  });

  it('is the whole range without data and narrows with more samples', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    const small = wilsonInterval(9, 10);
    const large = wilsonInterval(900, 1000);
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 5);
  });
});

describe('two-proportion z-test', () => {
  it('matches a hand computation: 90/100 against 80/100', () => {
    // pooled p = 0.85, se = √(0.85·0.15·(2/100)) = 0.050498, z = 0.10 / 0.050498 = 1.98030.
    const r = twoProportionZTest(80, 100, 90, 100);
    expect(r.difference).toBeCloseTo(0.1, 12);
    expect(r.statistic).toBeCloseTo(1.9803, 4);
    expect(r.pValue).toBeCloseTo(0.04767, 4);
  });

  it('finds nothing when both groups are identical or all succeed', () => {
    expect(twoProportionZTest(50, 100, 50, 100).pValue).toBeCloseTo(1, 6);
    expect(twoProportionZTest(10, 10, 20, 20).pValue).toBe(1);
  });
});

describe("Welch's t-test", () => {
  it("matches the worked examples on Wikipedia's \"Welch's t-test\" page", () => {
    // https://en.wikipedia.org/wiki/Welch%27s_t-test#Examples — example 1: t = 2.46, ν ≈ 25.0,
    // p = 0.021; example 2: t = 1.57, ν ≈ 9.9, p = 0.149.
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r1 = welchTTest(moments(a1), moments(a2));
    expect(r1.statistic).toBeCloseTo(2.46, 2);
    expect(r1.df).toBeCloseTo(25.0, 1);
    expect(r1.pValue).toBeCloseTo(0.021, 3);
    const b1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
    const b2 = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];
    const r2 = welchTTest(moments(b1), moments(b2));
    expect(r2.statistic).toBeCloseTo(1.57, 2);
    expect(r2.df).toBeCloseTo(9.9, 1);
    expect(r2.pValue).toBeCloseTo(0.149, 3);
  });

  it('has a t interval for a mean that matches a hand computation', () => {
    // mean 3, s = √2.5, n = 5: half-width t(0.975, 4) · s/√5 = 2.776445 · 0.707107 = 1.963243.
    const ci = meanInterval(moments([1, 2, 3, 4, 5]))!;
    expect(ci.low).toBeCloseTo(3 - 1.963243, 5);
    expect(ci.high).toBeCloseTo(3 + 1.963243, 5);
    expect(meanInterval(moments([4]))).toBeUndefined();
  });
});

describe('summaries', () => {
  it('quantiles interpolate like numpy (type 7)', () => {
    const v = [15, 20, 35, 40, 50];
    expect(quantile(v, 0.5)).toBe(35);
    expect(quantile(v, 0.95)).toBeCloseTo(48, 10);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });

  it('running moments agree with the two-pass formula, and a value can be taken back out', () => {
    const values = [3.1, 4.7, 2.2, 9.9, 5.5, 6.1];
    const r = emptyRunning();
    for (const v of values) addValue(r, v);
    const direct = moments(values);
    expect(toMoments(r).mean).toBeCloseTo(direct.mean, 12);
    expect(toMoments(r).variance).toBeCloseTo(direct.variance, 12);
    removeValue(r, 9.9);
    const without = moments([3.1, 4.7, 2.2, 5.5, 6.1]);
    expect(toMoments(r).mean).toBeCloseTo(without.mean, 12);
    expect(toMoments(r).variance).toBeCloseTo(without.variance, 10);
  });

  it('histogram quantiles land within one bucket of the exact quantile', () => {
    const rng = createRng(7);
    const latencies = Array.from({ length: 5000 }, () => 200 + 1800 * rng.next() ** 2);
    const counts = new Array<number>(LATENCY_EDGES_MS.length + 1).fill(0);
    for (const ms of latencies) counts[LATENCY_EDGES_MS.findIndex((e) => ms < e)]! += 1;
    for (const q of [0.5, 0.95]) {
      const exact = quantile(latencies, q);
      const approx = histogramQuantile(counts, q)!;
      expect(approx / exact).toBeGreaterThan(1 / Math.SQRT2);
      expect(approx / exact).toBeLessThan(Math.SQRT2);
    }
  });
});

describe('seeded sampling', () => {
  it('is deterministic for a seed and different across seeds', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.next())(createRng('exp-1')));
    const b = Array.from({ length: 5 }, ((r) => () => r.next())(createRng('exp-1')));
    const c = Array.from({ length: 5 }, ((r) => () => r.next())(createRng('exp-2')));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('Gamma and Beta samples have the right means and variances', () => {
    const rng = createRng(42);
    const n = 20_000;
    const g = Array.from({ length: n }, () => sampleGamma(rng, 0.5));
    expect(moments(g).mean).toBeCloseTo(0.5, 1);
    expect(moments(g).variance).toBeCloseTo(0.5, 1);
    const b = Array.from({ length: n }, () => sampleBeta(rng, 9, 3));
    // Beta(9, 3): mean 0.75, variance ab/((a+b)²(a+b+1)) = 27/1872 = 0.014423.
    expect(moments(b).mean).toBeCloseTo(0.75, 2);
    expect(moments(b).variance).toBeCloseTo(0.014423, 3);
  });
});
