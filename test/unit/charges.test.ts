import { describe, expect, it } from 'vitest';
import { settle } from '../../domain/charges';

/** The settlement rule on its own: what a finished generation costs, and why. */
describe('settle', () => {
  const base = { requestedModel: 'kie/sora-2', requestedEstimateUsd: 0.15 };

  it('adds a charge a failed attempt reported to the cost of the fallback that produced the result, and says so', () => {
    const s = settle({
      ...base,
      status: 'succeeded',
      resultModel: 'fal/pika-v2.2',
      billing: { estimates: { 'kie/sora-2': 0.15, 'fal/pika-v2.2': 0.2 }, charges: { 'kie/sora-2': { usd: 0.05, basis: 'kie: 10 credits × $0.005' } } },
    });
    expect(s).toEqual({
      costUsd: 0.25,
      estimateUsd: 0.2,
      model: 'fal/pika-v2.2',
      source: 'estimate',
      reason: 'kie/sora-2 charged $0.05 for a failed attempt (kie: 10 credits × $0.005)',
    });
  });

  it('takes a reported zero as the provider’s word, and ignores reports of other models for a success', () => {
    expect(settle({ ...base, status: 'succeeded', billing: { charges: { 'kie/sora-2': { usd: 0, basis: 'kie: 0 credits × $0.005' } } } })).toEqual({
      costUsd: 0,
      estimateUsd: 0.15,
      model: 'kie/sora-2',
      source: 'provider',
    });
  });

  it('charges nothing for a canceled generation no provider charged for', () => {
    expect(settle({ ...base, status: 'canceled', billing: { estimates: { 'kie/sora-2': 0.15 } } })).toEqual({ costUsd: 0, estimateUsd: 0, model: null, source: 'estimate' });
  });
});
