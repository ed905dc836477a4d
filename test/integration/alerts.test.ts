import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertView } from '../../domain/alerts';
import type { ProviderHealthResult } from '../../workflows/provider-health';
import { AcmeFake, acmeYaml } from '../fakes/custom-http';
import { FakeServer } from '../fakes/fake-server';
import { getJson, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

interface ErrorEntry {
  id: string;
  generationId: string | null;
  provider: string | null;
  model: string | null;
  stage: string;
  source: string;
  code: string;
  message: string;
  attempt: number;
}

/**
 * The S2 rules end to end: a custom provider (ids unique to this run, so a shared Postgres
 * holds no other data for it) backed by the Acme fake, failing more than half of its jobs,
 * judged by providerHealthWorkflow runs; the alert lands once in the store and once at each
 * channel, a generic JSON webhook and a Slack-compatible one, both tiny servers on 127.0.0.1.
 */
describe.skipIf(!temporalAddress)('error log and provider alerts', () => {
  const suffix = randomUUID().slice(0, 8);
  const provider = `acme-${suffix}`;
  const revoked = `acme-revoked-${suffix}`;
  const envName = (id: string) => `GENFLOW_${id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEYS`;
  const key = `sk-good-${randomUUID()}`;
  const revokedKey = `sk-revoked-${randomUUID()}`;
  const fake = new AcmeFake({ keys: [key] });
  const webhook = new FakeServer().route('POST', '/hook', () => ({ status: 204 }));
  const slack = new FakeServer().route('POST', '/services/T000/B000/XXX', () => ({ body: 'ok', headers: { 'content-type': 'text/plain' } }));
  let dir: string;
  let stack: Stack;

  beforeAll(async () => {
    await Promise.all([fake.start(), webhook.start(), slack.start()]);
    fake.pollsToComplete = 0;
    dir = mkdtempSync(join(tmpdir(), 'genflow-alerts-'));
    const file = join(dir, 'providers.yaml');
    writeFileSync(file, acmeYaml(fake.url, [provider, revoked]));
    stack = await startStack({
      env: {
        GENFLOW_CUSTOM_PROVIDERS: file,
        [envName(provider)]: key,
        [envName(revoked)]: revokedKey,
        GENFLOW_ALERT_WEBHOOK_URLS: `${webhook.url}/hook`,
        GENFLOW_ALERT_SLACK_URLS: `${slack.url}/services/T000/B000/XXX`,
        GENFLOW_ALERT_MIN_SAMPLES: '5',
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([fake.stop(), webhook.stop(), slack.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function render(model = `${provider}/render`): Promise<string> {
    const res = await postJson(`${stack.baseUrl}/v1/generations`, { model, prompt: `a lighthouse ${randomUUID()}` });
    expect(res.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, res.body.id as string);
    return done.status;
  }

  function healthRun(providers: string[]): Promise<ProviderHealthResult> {
    return stack.client.workflow.execute('providerHealthWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `health-test-${randomUUID()}`,
      args: [{ scope: { providers } }],
    });
  }

  async function alertsFor(subject: string): Promise<AlertView[]> {
    const res = await getJson(`${stack.baseUrl}/v1/alerts?rule=provider_failure_rate&subject=${subject}`);
    expect(res.status).toBe(200);
    return res.body.data as AlertView[];
  }

  const bodies = (server: FakeServer) => server.requests.map((r) => r.json as Record<string, unknown>);

  it('records a failed attempt with the key masked, and lists the log with filters and cursors', async () => {
    // Acme's 401 body echoes the rejected key; the log must not.
    expect(await render(`${revoked}/image`)).toBe('failed');
    // Newest first: the generation's failure, then the failed submit attempt; one per page.
    const first = await getJson(`${stack.baseUrl}/v1/errors?provider=${revoked}&code=AUTHENTICATION_FAILED&limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([expect.objectContaining({ stage: 'finish', code: 'AUTHENTICATION_FAILED' }) as unknown]);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await getJson(`${stack.baseUrl}/v1/errors?provider=${revoked}&code=AUTHENTICATION_FAILED&limit=1&cursor=${String(first.body.nextCursor)}`);
    const [entry] = second.body.data as ErrorEntry[];
    expect(entry).toMatchObject({ provider: revoked, model: `${revoked}/image`, stage: 'submit', source: 'provider', code: 'AUTHENTICATION_FAILED', attempt: 1 });
    expect(entry!.generationId).toBe((first.body.data as ErrorEntry[])[0]!.generationId);
    expect(second.body.nextCursor).toBeNull();
    for (const e of [...(first.body.data as ErrorEntry[]), entry!]) {
      expect(e.message).toContain('Incorrect API key provided');
      expect(e.message).not.toContain(revokedKey);
    }
    const later = await getJson(`${stack.baseUrl}/v1/errors?provider=${revoked}&from=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(later.body.data).toEqual([]);
    expect((await getJson(`${stack.baseUrl}/v1/errors?cursor=abc`)).status).toBe(400);
  });

  it('fires one alert for a provider failing more than half its jobs, however many runs see it, and resolves it on recovery', async () => {
    expect(await render()).toBe('succeeded');
    expect(await render()).toBe('succeeded');
    fake.failTasks = true;
    for (let i = 0; i < 3; i++) expect(await render()).toBe('failed');

    // 3 failed of 5: 60% over the minimum sample; three runs while it persists.
    const runs = [await healthRun([provider]), await healthRun([provider]), await healthRun([provider])];
    expect(runs.map((r) => r.notices.length)).toEqual([1, 0, 0]);
    const open = await alertsFor(provider);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ status: 'open', severity: 'critical', subject: provider, details: { attempts: 5, failedAttempts: 3 } });
    expect(runs[0]!.deliveries).toEqual([
      { channel: 'webhook:0', alertId: open[0]!.id, event: 'raised', delivered: true },
      { channel: 'slack:0', alertId: open[0]!.id, event: 'raised', delivered: true },
    ]);
    expect(bodies(webhook)).toEqual([{ type: 'genflow.alert', event: 'raised', alert: expect.objectContaining({ id: open[0]!.id, rule: 'provider_failure_rate' }) as unknown }]);
    expect(bodies(slack)).toHaveLength(1);
    expect(bodies(slack)[0]).toMatchObject({ text: expect.stringContaining(`${provider}: 60% of 5 attempts failed`) as unknown, blocks: expect.any(Array) as unknown });
    expect(slack.requests[0]!.headers['content-type']).toBe('application/json');

    // Recovered: two more successes bring it to 3 of 7, under the threshold.
    fake.failTasks = false;
    expect(await render()).toBe('succeeded');
    expect(await render()).toBe('succeeded');
    const recovery = await healthRun([provider]);
    expect(recovery.notices).toEqual([{ event: 'resolved', alertId: open[0]!.id, rule: 'provider_failure_rate', subject: provider }]);
    expect((await alertsFor(provider))[0]).toMatchObject({ id: open[0]!.id, status: 'resolved', resolvedAt: expect.any(String) as unknown });
    expect(bodies(webhook).map((b) => b.event)).toEqual(['raised', 'resolved']);
    expect(bodies(slack)[1]).toMatchObject({ text: expect.stringContaining('Resolved') as unknown });
    expect((await healthRun([provider])).notices).toEqual([]);

    // Failing again after the resolution is a new alert.
    fake.failTasks = true;
    for (let i = 0; i < 3; i++) expect(await render()).toBe('failed');
    const again = await healthRun([provider]);
    expect(again.notices).toHaveLength(1);
    const listed = await alertsFor(provider);
    expect(listed.map((a) => a.status)).toEqual(['open', 'resolved']);
    expect(listed[0]!.id).not.toBe(open[0]!.id);
    const openOnly = await getJson(`${stack.baseUrl}/v1/alerts?status=open&subject=${provider}`);
    expect((openOnly.body.data as AlertView[]).map((a) => a.id)).toEqual([listed[0]!.id]);
  });

  it('acknowledges an alert once: 404 for an unknown id, 409 the second time', async () => {
    const [alert] = await alertsFor(provider);
    expect(alert).toBeDefined();
    const ack = await postJson(`${stack.baseUrl}/v1/alerts/${alert!.id}/acknowledge`, { by: 'oncall' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id: alert!.id, status: 'acknowledged', acknowledgedAt: expect.any(String) as unknown });
    const twice = await postJson(`${stack.baseUrl}/v1/alerts/${alert!.id}/acknowledge`, {});
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: { code: 'CONFLICT' } });
    const unknown = await postJson(`${stack.baseUrl}/v1/alerts/${randomUUID()}/acknowledge`, {});
    expect(unknown.status).toBe(404);
    expect((await postJson(`${stack.baseUrl}/v1/alerts/not-an-id/acknowledge`, {})).status).toBe(404);
    // Acknowledged is still unresolved: the condition holds, so a run raises nothing new.
    expect((await healthRun([provider])).notices).toEqual([]);
  });
});
