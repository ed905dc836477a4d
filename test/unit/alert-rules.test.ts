import { describe, expect, it } from 'vitest';
import { deliver, slackPayload, webhookPayload } from '../../activities/alert-channels';
import { GenflowError } from '../../domain/errors';
import { parseAlertSettings } from '../../domain/alert-settings';
import { DEFAULT_THRESHOLDS, evaluateRules, type AlertNotice, type ProbeResult, type ProviderWindowStats, type WindowStats } from '../../domain/alerts';

const stats = (providers: Array<Partial<ProviderWindowStats> & { provider: string }>, databaseErrors = 0): WindowStats => ({
  since: '2026-01-01T00:00:00.000Z',
  providers: providers.map((p) => ({ failedAttempts: 0, succeeded: 0, finished: 0, timedOut: 0, retried: [], ...p })),
  databaseErrors,
});
const probe = (p: Partial<ProbeResult> & { provider: string }): ProbeResult => ({
  ok: true,
  latencyMs: 1,
  method: 'probe',
  requiresApiKey: true,
  keys: { total: 2, active: 2 },
  ...p,
});
const rules = (s: WindowStats, probes: ProbeResult[] = [], scope = {}) => evaluateRules(s, probes, DEFAULT_THRESHOLDS, scope).map((c) => c.dedupeKey);

describe('alert rules (the S2 note: failure rate > 50% over an hour, timeouts > 20%, > 3 retries, keys, database)', () => {
  it('fires the failure-rate rule above half of the attempts, not at half, and not under the minimum sample', () => {
    expect(rules(stats([{ provider: 'kie', failedAttempts: 6, succeeded: 4 }]))).toEqual(['provider_failure_rate:kie']);
    expect(rules(stats([{ provider: 'kie', failedAttempts: 5, succeeded: 5 }]))).toEqual([]);
    expect(rules(stats([{ provider: 'kie', failedAttempts: 9, succeeded: 0 }]))).toEqual([]);
    const [c] = evaluateRules(stats([{ provider: 'kie', failedAttempts: 6, succeeded: 4 }]), [], DEFAULT_THRESHOLDS);
    expect(c).toMatchObject({ severity: 'critical', message: 'kie: 60% of 10 attempts failed in the last 60 min (threshold 50%)' });
  });

  it('fires the timeout rule above a fifth of the finished generations', () => {
    expect(rules(stats([{ provider: 'google', succeeded: 7, finished: 10, timedOut: 3 }]))).toEqual(['provider_timeout_rate:google']);
    expect(rules(stats([{ provider: 'google', succeeded: 8, finished: 10, timedOut: 2 }]))).toEqual([]);
  });

  it('fires the retry rule for a provider with a generation past the retry limit, naming it', () => {
    const [c] = evaluateRules(stats([{ provider: 'bfl', retried: [{ generationId: 'g1', failures: 4 }] }]), [], DEFAULT_THRESHOLDS);
    expect(c).toMatchObject({ dedupeKey: 'generation_retries:bfl', details: { generations: [{ generationId: 'g1', failures: 4 }] } });
  });

  it('fires keys-exhausted when every configured key is out, and unreachable when the probe failed', () => {
    expect(rules(stats([]), [probe({ provider: 'openai', ok: false, keys: { total: 2, active: 0 } })])).toEqual(['provider_keys_exhausted:openai']);
    expect(rules(stats([]), [probe({ provider: 'openai', ok: false, code: 'PROVIDER_UNAVAILABLE' })])).toEqual(['provider_unreachable:openai']);
    // Judged from the key pool only: a failed "probe" of that kind is the keys rule or nothing.
    expect(rules(stats([]), [probe({ provider: 'replicate', ok: false, method: 'keys', keys: { total: 0, active: 0 } })])).toEqual([]);
  });

  it('fires the database rule on database errors, except in a run scoped to some providers', () => {
    expect(rules(stats([], 1))).toEqual(['database_errors:database']);
    expect(rules(stats([], 1), [], { providers: ['kie'] })).toEqual([]);
  });
});

describe('alert settings', () => {
  it('defaults to the S2 thresholds and no channels', () => {
    const s = parseAlertSettings({});
    expect(s.thresholds).toEqual({ windowMinutes: 60, failureRate: 0.5, timeoutRate: 0.2, maxRetries: 3, minSamples: 10, databaseErrors: 1 });
    expect(s.channels).toEqual([]);
    expect(s.healthInterval).toBe('5 minutes');
  });

  it('reads channels and thresholds, and names a bad variable', () => {
    const s = parseAlertSettings({
      GENFLOW_ALERT_WEBHOOK_URLS: 'https://a.example/hook, https://b.example/hook',
      GENFLOW_ALERT_SLACK_URLS: 'https://hooks.slack.com/services/T/B/X',
      GENFLOW_ALERT_FAILURE_RATE: '0.3',
      GENFLOW_HEALTH_INTERVAL: '1 minute',
    });
    expect(s.channels.map((c) => [c.id, c.type, c.url])).toEqual([
      ['webhook:0', 'webhook', 'https://a.example/hook'],
      ['webhook:1', 'webhook', 'https://b.example/hook'],
      ['slack:0', 'slack', 'https://hooks.slack.com/services/T/B/X'],
    ]);
    expect(s.thresholds.failureRate).toBe(0.3);
    expect(() => parseAlertSettings({ GENFLOW_ALERT_SLACK_URLS: 'ftp://x' })).toThrow(/GENFLOW_ALERT_SLACK_URLS/);
    expect(() => parseAlertSettings({ GENFLOW_ALERT_TIMEOUT_RATE: '2' })).toThrow(/GENFLOW_ALERT_TIMEOUT_RATE/);
  });
});

describe('alert payloads', () => {
  const notice: AlertNotice = {
    event: 'raised',
    alert: {
      id: 'a1',
      rule: 'provider_failure_rate',
      subject: 'kie',
      severity: 'critical',
      status: 'open',
      message: 'kie: 60% of 10 attempts failed in the last 60 min (threshold 50%)',
      details: { failureRate: 0.6 },
      createdAt: '2026-01-01T00:00:00.000Z',
      lastSeenAt: '2026-01-01T00:00:00.000Z',
      resolvedAt: null,
      acknowledgedAt: null,
    },
  };

  it('sends the whole alert to a generic webhook', () => {
    expect(webhookPayload(notice)).toEqual({ type: 'genflow.alert', event: 'raised', alert: notice.alert });
  });

  it('sends Slack a text fallback and mrkdwn blocks', () => {
    const body = slackPayload(notice);
    expect(body.text).toBe(':rotating_light: genflow [CRITICAL] kie: 60% of 10 attempts failed in the last 60 min (threshold 50%)');
    expect(body.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: body.text } });
    expect(JSON.stringify(body.blocks[1])).toContain('provider_failure_rate');
    expect(slackPayload({ ...notice, event: 'resolved' }).text).toMatch(/^:white_check_mark: genflow Resolved: kie/);
  });

  it('refuses internal receivers like any outside URL (the SSRF-safe fetcher), without retrying', async () => {
    for (const url of ['http://127.0.0.1:9/hook', 'http://10.0.0.8/hook', 'http://169.254.169.254/latest']) {
      const err: unknown = await deliver({ id: 'webhook:0', type: 'webhook', url }, notice, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GenflowError);
      expect(err).toMatchObject({ code: 'INVALID_REQUEST', retryable: false, message: expect.stringContaining('refused') as unknown });
    }
  });
});
