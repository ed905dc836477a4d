import { describe, expect, it } from 'vitest';
import { fallsBack } from '../../domain/attempts';
import type { PollingPolicy } from '../../domain/models';
import { defaultPollingPolicy, jitteredPollDelayMs, pollScale } from '../../domain/polling';
import { parseFallbackModels, resolveModelSelection } from '../../providers/model-selection';

describe('polling policy', () => {
  const policy: PollingPolicy = { initialDelayMs: 240_000, intervalMs: 10_000, maxIntervalMs: 60_000, maxTotalMs: 3_600_000 };

  it('waits the expected duration first, then doubles from the interval to the cap, within ±20 %', () => {
    const low = [0, 1, 2, 3, 4, 10].map((i) => jitteredPollDelayMs(policy, i, () => 0));
    const high = [0, 1, 2, 3, 4, 10].map((i) => jitteredPollDelayMs(policy, i, () => 1));
    expect(low).toEqual([192_000, 8_000, 16_000, 32_000, 48_000, 48_000]);
    // Never above the cap, even with the largest jitter.
    expect(high).toEqual([288_000, 12_000, 24_000, 48_000, 60_000, 60_000]);
  });

  it('the default policy of a model: first poll after its expected duration; the scale shrinks waits, not the deadline', () => {
    expect(defaultPollingPolicy(240, 1_800)).toEqual({ initialDelayMs: 240_000, intervalMs: 10_000, maxIntervalMs: 60_000, maxTotalMs: 1_800_000 });
    expect(defaultPollingPolicy(8, 600)).toMatchObject({ initialDelayMs: 8_000, intervalMs: 2_000 });
    expect(defaultPollingPolicy(240, 1_800, 0.02)).toMatchObject({ initialDelayMs: 4_800, maxTotalMs: 1_800_000 });
    expect([pollScale(undefined), pollScale('0.5'), pollScale('3'), pollScale('x'), pollScale('0')]).toEqual([1, 0.5, 1, 1, 1]);
  });
});

describe('fallbacks', () => {
  it('fall back on provider-side failures only', () => {
    expect(['PROVIDER_UNAVAILABLE', 'PROVIDER_ERROR', 'RATE_LIMITED', 'TASK_TIMEOUT'].every((c) => fallsBack(c as never))).toBe(true);
    expect(['CONTENT_REJECTED', 'INVALID_PARAMETERS', 'INPUT_FETCH_FAILED', 'CANCELED'].some((c) => fallsBack(c as never))).toBe(false);
  });

  it('GENFLOW_FALLBACK_MODELS: chains parse, unknown models and cross-kind fallbacks stop the start', () => {
    expect(parseFallbackModels('local/image=local/image|local/video')).toMatchObject({ problems: [expect.stringContaining('local/video: shares no kind') as unknown] });
    expect(parseFallbackModels('replicate/black-forest-labs/flux-schnell=bfl/flux-dev|local/image')).toEqual({
      fallbacks: { 'replicate/black-forest-labs/flux-schnell': ['bfl/flux-dev', 'local/image'] },
      problems: [],
    });
    expect(() => resolveModelSelection({ GENFLOW_FALLBACK_MODELS: 'local/image=acme/nothing' })).toThrow(/acme\/nothing: no such model/);
    expect(() => resolveModelSelection({ GENFLOW_FALLBACK_MODELS: 'local/image' })).toThrow(/is not <model>=<fallback>/);
  });
});
