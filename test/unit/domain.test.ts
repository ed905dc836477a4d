import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../domain/config';
import { ERROR_SPECS, GenflowError, ProviderError, isErrorCode } from '../../domain/errors';
import { pollDelayMs } from '../../domain/polling';

describe('error taxonomy', () => {
  it('gives each code a fixed status and retryable flag', () => {
    expect(ERROR_SPECS.RATE_LIMITED).toEqual({ status: 429, retryable: true });
    expect(ERROR_SPECS.CONTENT_REJECTED).toEqual({ status: 422, retryable: false });
    expect(ERROR_SPECS.PROVIDER_UNAVAILABLE.retryable).toBe(true);
    expect(ERROR_SPECS.AUTHENTICATION_FAILED.status).toBe(401);
    for (const spec of Object.values(ERROR_SPECS)) expect(spec.status).toBeGreaterThanOrEqual(400);
  });

  it('builds the API error body and keeps retry hints', () => {
    const err = new ProviderError('RATE_LIMITED', 'slow down', { retryAfterMs: 3000, details: { key: 'k…1' } });
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(3000);
    expect(err.toBody()).toEqual({ code: 'RATE_LIMITED', message: 'slow down', details: { key: 'k…1' } });
    expect(new GenflowError('INVALID_REQUEST', 'bad').toBody()).toEqual({ code: 'INVALID_REQUEST', message: 'bad' });
  });

  it('recognises only taxonomy codes', () => {
    expect(isErrorCode('TASK_TIMEOUT')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});

describe('polling backoff', () => {
  const policy = { initialDelayMs: 5_000, maxIntervalMs: 60_000, maxTotalMs: 3_600_000 };
  it('doubles from the initial delay up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((i) => pollDelayMs(policy, i))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
  });
});

describe('configuration', () => {
  it('applies defaults', () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.GENFLOW_HOME).toBe('.genflow');
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
  });

  it('names every bad variable', () => {
    expect(() => parseConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(/PORT[\s\S]*DATABASE_URL: must be a postgres/);
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: ' ' }).DATABASE_URL).toBeUndefined();
  });
});
