import { describe, expect, it } from 'vitest';
import { rarestTokens, type TokenStats } from '../../db/token-stats';

const stats = (freqs: Record<string, number>): TokenStats => ({ frequency: (t) => freqs[t] ?? 0.0001 });

describe('the tokens a prompt search sends to the GIN index', () => {
  it('always the three rarest, plus any other held by under 10% of rows', () => {
    const s = stats({ sol: 0.43, has: 0.034, xenph: 0.069, enpha: 0.0997, aso: 0.2 });
    expect(rarestTokens(['sol', 'has', 'xenph', 'enpha', 'aso', 'nphas'], s)).toEqual(['nphas', 'has', 'xenph', 'enpha']);
    expect(rarestTokens(['sol', 'aso', 'has', 'enpha'], stats({ sol: 0.43, aso: 0.2, has: 0.15, enpha: 0.12 }))).toEqual(['enpha', 'has', 'aso']);
  });

  it('at most ten, and every token when there are no statistics yet', () => {
    const many = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    expect(rarestTokens(many, stats({}))).toHaveLength(10);
    expect(rarestTokens(many, undefined)).toEqual(many);
  });
});
