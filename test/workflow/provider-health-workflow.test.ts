import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HealthActivities } from '../../activities/health-activities';
import type { AlertNotice, AlertView, ProbeResult } from '../../domain/alerts';
import { ensureHealthSchedule } from '../../runtime/health-schedule';
import type { ProviderHealthResult } from '../../workflows/provider-health';
import { createTimeSkippingEnv, recordHistories, saveHistory } from '../support/time-skipping';

const temporalAddress = inject('temporalAddress');

const probe = (provider: string, ok = true): ProbeResult => ({
  provider,
  ok,
  latencyMs: 3,
  method: 'probe',
  requiresApiKey: provider !== 'local',
  keys: provider === 'local' ? { total: 0, active: 0 } : { total: 2, active: ok ? 2 : 0 },
  ...(ok ? {} : { code: 'AUTHENTICATION_FAILED', message: 'no usable API key' }),
});

const alert = (id: string, status: AlertView['status'] = 'open'): AlertView => ({
  id,
  rule: 'provider_failure_rate',
  subject: 'openai',
  severity: 'critical',
  status,
  message: 'openai: 60% of 10 attempts failed in the last 60 min (threshold 50%)',
  details: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: '2026-01-01T00:00:00.000Z',
  resolvedAt: status === 'resolved' ? '2026-01-01T01:00:00.000Z' : null,
  acknowledgedAt: null,
});

/** Typed mock activities recording what the workflow asked for. */
function activities(overrides: Partial<HealthActivities> = {}) {
  const probed: string[] = [];
  const evaluated: ProbeResult[][] = [];
  const delivered: Array<{ channel: string; event: string; alertId: string }> = [];
  const acts: HealthActivities = {
    listHealthTargets: async () => ({ providers: ['local', 'openai'], channels: ['webhook:0', 'slack:0'] }),
    probeProvider: async (p) => {
      probed.push(p);
      return probe(p);
    },
    evaluateAlerts: async (probes) => {
      evaluated.push(probes);
      return [];
    },
    reportDatabaseUnreachable: async () => null,
    deliverAlert: async (channel, notice) => {
      delivered.push({ channel, event: notice.event, alertId: notice.alert.id });
    },
    ...overrides,
  };
  return { acts, probed, evaluated, delivered };
}

describe('providerHealthWorkflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run(acts: HealthActivities, historyName?: string, input: unknown = {}): Promise<ProviderHealthResult> {
    const taskQueue = `health-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities: acts });
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start('providerHealthWorkflow', { taskQueue, workflowId: `health-${randomUUID()}`, args: [input] });
      const result = (await handle.result()) as ProviderHealthResult;
      if (recordHistories && historyName) saveHistory(env, historyName, handle.workflowId);
      return result;
    });
  }

  it('probes every enabled provider, judges the rules on their results and notifies each channel of each change', async () => {
    const notices: AlertNotice[] = [
      { event: 'raised', alert: alert('a-new') },
      { event: 'resolved', alert: alert('a-old', 'resolved') },
    ];
    const { acts, probed, evaluated, delivered } = activities({
      probeProvider: async (p) => {
        probed.push(p);
        return probe(p, p !== 'openai');
      },
      evaluateAlerts: async (probes) => {
        evaluated.push(probes);
        return notices;
      },
    });
    const result = await run(acts, 'provider-health-notify');
    expect(probed.sort()).toEqual(['local', 'openai']);
    expect(evaluated).toEqual([[probe('local'), probe('openai', false)]]);
    expect(delivered.sort((a, b) => `${a.alertId}${a.channel}`.localeCompare(`${b.alertId}${b.channel}`))).toEqual([
      { channel: 'slack:0', event: 'raised', alertId: 'a-new' },
      { channel: 'webhook:0', event: 'raised', alertId: 'a-new' },
      { channel: 'slack:0', event: 'resolved', alertId: 'a-old' },
      { channel: 'webhook:0', event: 'resolved', alertId: 'a-old' },
    ]);
    expect(result.database).toBe('ok');
    expect(result.deliveries.every((d) => d.delivered)).toBe(true);
  });

  it('delivers nothing when nothing changed (a persisting alert is not news)', async () => {
    const { acts, delivered } = activities();
    const result = await run(acts, 'provider-health-quiet');
    expect(result.notices).toEqual([]);
    expect(delivered).toEqual([]);
  });

  it('retries a failing channel, then gives up on it without failing the run or holding the other channel', async () => {
    let webhookAttempts = 0;
    const { acts, delivered } = activities({
      evaluateAlerts: async () => [{ event: 'raised', alert: alert('a1') }],
      deliverAlert: async (channel, notice) => {
        if (channel === 'webhook:0') {
          webhookAttempts++;
          throw ApplicationFailure.create({ type: 'UNAVAILABLE', message: 'receiver answered HTTP 503' });
        }
        delivered.push({ channel, event: notice.event, alertId: notice.alert.id });
      },
    });
    const result = await run(acts, 'provider-health-channel-down');
    expect(webhookAttempts).toBe(5);
    expect(delivered).toEqual([{ channel: 'slack:0', event: 'raised', alertId: 'a1' }]);
    expect(result.deliveries).toEqual([
      { channel: 'webhook:0', alertId: 'a1', event: 'raised', delivered: false },
      { channel: 'slack:0', alertId: 'a1', event: 'raised', delivered: true },
    ]);
  });

  it('turns a probe that throws or times out into a failed probe, and still evaluates', async () => {
    const { acts, evaluated } = activities({
      probeProvider: async (p) => {
        if (p === 'openai') throw ApplicationFailure.create({ type: 'PROVIDER_TIMEOUT', message: 'openai: no response within 15000 ms', nonRetryable: true });
        return probe(p);
      },
    });
    const result = await run(acts);
    expect(evaluated[0]?.find((p) => p.provider === 'openai')).toMatchObject({ ok: false, method: 'probe', code: 'PROVIDER_TIMEOUT' });
    expect(result.probes.map((p) => p.ok)).toEqual([true, false]);
  });

  it('when the database cannot be reached, notifies the channels from the worker instead of the alert store', async () => {
    const reported: string[] = [];
    const { acts, delivered } = activities({
      evaluateAlerts: async () => {
        throw ApplicationFailure.create({ type: 'UNAVAILABLE', message: 'database unreachable: connect ECONNREFUSED 127.0.0.1:5432' });
      },
      reportDatabaseUnreachable: async (message) => {
        reported.push(message);
        return { event: 'raised', alert: { ...alert('database-unreachable-x'), rule: 'database_errors', subject: 'database' } };
      },
    });
    const result = await run(acts, 'provider-health-database-down');
    expect(result.database).toBe('unreachable');
    expect(reported).toEqual(['database unreachable: connect ECONNREFUSED 127.0.0.1:5432']);
    expect(delivered.map((d) => d.alertId)).toEqual(['database-unreachable-x', 'database-unreachable-x']);
  });

  it('passes a scope through to the targets and the evaluation', async () => {
    const scopes: unknown[] = [];
    const { acts } = activities({
      listHealthTargets: async (scope) => {
        scopes.push(scope);
        return { providers: ['openai'], channels: [] };
      },
      evaluateAlerts: async (_probes, scope) => {
        scopes.push(scope);
        return [];
      },
    });
    await run(acts, undefined, { scope: { providers: ['openai'] } });
    expect(scopes).toEqual([{ providers: ['openai'] }, { providers: ['openai'] }]);
  });
});

describe.skipIf(!temporalAddress)('provider-health schedule on the dev server', () => {
  it('is created with the interval, updated on the next start, and removed with an interval of 0', async () => {
    const connection = await Connection.connect({ address: temporalAddress! });
    const client = new Client({ connection });
    const scheduleId = `health-test-${randomUUID()}`;
    try {
      expect(await ensureHealthSchedule(client, { scheduleId, taskQueue: 'q1', every: '5 minutes' })).toBe('created');
      let described = await client.schedule.getHandle(scheduleId).describe();
      expect(described.spec.intervals?.[0]?.every).toBe(5 * 60 * 1000);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'providerHealthWorkflow', taskQueue: 'q1' });
      expect(await ensureHealthSchedule(client, { scheduleId, taskQueue: 'q2', every: '1 minute' })).toBe('updated');
      described = await client.schedule.getHandle(scheduleId).describe();
      expect(described.spec.intervals?.[0]?.every).toBe(60 * 1000);
      expect(described.action).toMatchObject({ taskQueue: 'q2' });
      expect(await ensureHealthSchedule(client, { scheduleId, taskQueue: 'q2', every: '0' })).toBe('deleted');
      await expect(client.schedule.getHandle(scheduleId).describe()).rejects.toThrow();
    } finally {
      await client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
      await connection.close();
    }
  });
});
