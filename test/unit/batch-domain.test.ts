import { describe, expect, it } from 'vitest';
import { builtInCatalogue } from '../../providers/registry';
import { finalBatchStatus } from '../../domain/batch';
import { createBatchBody } from '../../domain/batch-body';
import { rateWindow } from '../../providers/limiter';
import { providerRateLimit, rateLimitedProviders } from '../../providers/rate-limits';
import { localProvider } from '../../providers/local';

describe('batch status', () => {
  const counts = (succeeded: number, failed: number, canceled: number) => ({ total: succeeded + failed + canceled, succeeded, failed, canceled });
  it.each([
    [counts(3, 0, 0), false, 'succeeded'],
    [counts(2, 1, 0), false, 'partially_failed'],
    [counts(1, 1, 5), false, 'partially_failed'],
    [counts(0, 1, 5), false, 'failed'],
    [counts(0, 3, 0), false, 'failed'],
    [counts(3, 0, 0), true, 'canceled'],
  ] as const)('%o, canceled=%s → %s', (c, canceled, expected) => {
    expect(finalBatchStatus(c, canceled)).toBe(expected);
  });
});

describe('batch request limits', () => {
  const item = { model: 'local/image', prompt: 'x' };
  it('accepts 10,000 items with default options and rejects 10,001', () => {
    const ok = createBatchBody.safeParse({ requests: Array(10_000).fill(item) });
    expect(ok.success && ok.data.options).toEqual({ maxConcurrency: 10, stopOnError: false });
    expect(createBatchBody.safeParse({ requests: Array(10_001).fill(item) }).success).toBe(false);
  });
  it('rejects a non-http webhook and unknown options', () => {
    expect(createBatchBody.safeParse({ requests: [item], options: { webhookUrl: 'file:///etc/passwd' } }).success).toBe(false);
    expect(createBatchBody.safeParse({ requests: [item], options: { concurrency: 3 } }).success).toBe(false);
  });
});

describe('provider rate limits', () => {
  it('come from the environment, with the provider queue named after the provider', () => {
    expect(providerRateLimit(localProvider, {})).toBeUndefined();
    expect(providerRateLimit(localProvider, { GENFLOW_LOCAL_RPS: '5', GENFLOW_LOCAL_MAX_CONCURRENT: '3' })).toEqual({
      providerId: 'local',
      taskQueue: 'genflow-provider-local',
      requestsPerSecond: 5,
      maxConcurrent: 3,
    });
    expect(rateLimitedProviders({ GENFLOW_LOCAL_RPS: '2' }, builtInCatalogue).map((l) => l.taskQueue)).toEqual(['genflow-provider-local']);
  });
  it('reject a value that is not a positive number, naming the variable', () => {
    expect(() => providerRateLimit(localProvider, { GENFLOW_LOCAL_RPS: 'fast' })).toThrow(/GENFLOW_LOCAL_RPS/);
    expect(() => providerRateLimit(localProvider, { GENFLOW_LOCAL_MAX_CONCURRENT: '0' })).toThrow(/GENFLOW_LOCAL_MAX_CONCURRENT/);
  });
  it('turn requests per second into a sliding window with a margin', () => {
    expect(rateWindow(5)).toEqual({ limit: 5, windowMs: 1_100 });
    expect(rateWindow(0.5)).toEqual({ limit: 1, windowMs: 2_200 });
    expect(rateWindow(50)).toEqual({ limit: 50, windowMs: 1_100 });
    // 2.5/s: two calls per 0.8 s (+ margin), not a rounded-down 2/s.
    expect(rateWindow(2.5)).toEqual({ limit: 2, windowMs: 900 });
  });
});
