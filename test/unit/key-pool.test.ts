import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../domain/errors';
import { KeyPool, maskKey } from '../../providers/key-pool';

describe('key pool', () => {
  it('rotates round-robin over usable keys', () => {
    const pool = new KeyPool('p', ['k1', 'k2', 'k3']);
    expect([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]).toEqual(['k1', 'k2', 'k3', 'k1']);
  });

  it('takes a rejected key out and cools a rate-limited one down for its Retry-After', () => {
    let now = 1_000;
    const pool = new KeyPool('p', ['k1', 'k2', 'k3'], () => now);
    pool.report('k1', 'AUTHENTICATION_FAILED');
    pool.report('k2', 'RATE_LIMITED', 5_000);
    expect([pool.acquire(), pool.acquire()]).toEqual(['k3', 'k3']);
    expect(pool.states().map((s) => s.status)).toEqual(['disabled', 'cooling_down', 'active']);
    now += 5_001;
    expect(new Set([pool.acquire(), pool.acquire()])).toEqual(new Set(['k2', 'k3']));
  });

  it('says RATE_LIMITED with the wait when every key cools down, AUTHENTICATION_FAILED when all are rejected', () => {
    const now = 0;
    const pool = new KeyPool('p', ['a', 'b'], () => now);
    pool.report('a', 'RATE_LIMITED', 2_000);
    pool.report('b', 'RATE_LIMITED', 1_000);
    const limited = (() => {
      try {
        pool.acquire();
      } catch (e) {
        return e as ProviderError;
      }
    })();
    expect(limited?.code).toBe('RATE_LIMITED');
    expect(limited?.retryAfterMs).toBe(1_000);

    const rejected = new KeyPool('p', ['a']);
    rejected.report('a', 'AUTHENTICATION_FAILED');
    expect(() => rejected.acquire()).toThrow(/rejected/);
    expect(() => new KeyPool('p', []).acquire()).toThrow(/no API key/);
  });

  it('masks keys and never shows them in its state', () => {
    expect(maskKey('sk-live-1234567890abcd')).toBe('sk-…abcd');
    expect(maskKey('r8_ABCDEFGHIJKLMNOP')).toBe('…MNOP');
    const pool = new KeyPool('p', ['sk-secret-value-9999']);
    expect(JSON.stringify(pool.states())).not.toContain('secret-value');
  });
});
