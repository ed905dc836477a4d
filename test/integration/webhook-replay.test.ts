import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KieFake } from '../fakes/kie';
import { ReplicateFake } from '../fakes/replicate';
import { capturingLogs } from '../support/capture-logs';
import { postJson, startStack, temporalAddress, type Stack } from '../support/stack';
import { providerTaskOf, webhookProviderEnv } from '../support/webhook-providers';

const REPLICATE_KEY = `r8_replay-${randomUUID()}`;

/**
 * Provider callbacks as an attacker who saw one would use them: the callback token must not be
 * readable in the request log, and a captured delivery replayed has no effect (each one counts
 * once, across API processes: the record is in the database).
 */
describe.skipIf(!temporalAddress)('provider webhooks: tokens kept out of logs, each delivery accepted once', () => {
  const kie = new KieFake();
  const replicate = new ReplicateFake({ apiKeys: [REPLICATE_KEY] });
  const logs = capturingLogs();
  let stack: Stack;
  let second: Stack | undefined;

  beforeAll(async () => {
    await kie.start();
    await replicate.start();
    const env = webhookProviderEnv(kie, replicate, REPLICATE_KEY);
    stack = await startStack({ providerCallbacks: true, logger: logs.logger, env });
    // A second API process on the same database (a Postgres server, or the same PGlite is not shareable: then skipped).
    if (process.env.DATABASE_URL) second = await startStack({ env });
  });
  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
    await replicate.stop();
    await kie.stop();
  });

  const taskOf = (id: string) => providerTaskOf(stack, id);

  it('a token-authenticated delivery signals once; the same delivery replayed answers 200 and does nothing; the token is not logged', async () => {
    kie.pollsUntilDone = 1_000;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/veo3-fast', prompt: 'a quiet harbour' });
    expect(submit.status).toBe(202);
    const id = submit.body.id as string;
    const taskId = await taskOf(id);
    const task = kie.tasks.get(taskId)!;
    const callback = new URL(String(task.body.callBackUrl));
    const token = callback.searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(16);

    const delivery = JSON.stringify({ code: 200, msg: 'generating', data: { taskId } });
    const deliver = async (body: string, at: URL = callback) => {
      const res = await fetch(at, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await deliver(delivery)).toEqual({ status: 200, body: { received: true, signalled: true } });
    await expect.poll(() => task.polls, { timeout: 10_000 }).toBe(1);

    for (let i = 0; i < 3; i++) expect(await deliver(delivery)).toEqual({ status: 200, body: { received: true, signalled: false } });
    // Replayed against another API process of the same deployment: still once.
    if (second) {
      const elsewhere = new URL(`${second.baseUrl}${callback.pathname}${callback.search}`);
      expect(await deliver(delivery, elsewhere)).toEqual({ status: 200, body: { received: true, signalled: false } });
    }
    await new Promise((r) => setTimeout(r, 1_500));
    expect(task.polls).toBe(1);

    // A new delivery (another state) is a new event: it signals.
    expect(await deliver(JSON.stringify({ code: 200, msg: 'almost', data: { taskId, progress: 0.9 } }))).toEqual({ status: 200, body: { received: true, signalled: true } });
    await expect.poll(() => task.polls, { timeout: 10_000 }).toBe(2);

    // The request log names the route and a short hash of the token, never the token.
    const text = logs.text();
    expect(text).toContain('/v1/webhooks/kie');
    expect(text).not.toContain(token);
    const hash = createHash('sha256').update(token).digest('hex').slice(0, 12);
    expect(text).toContain(`token=sha256:${hash}`);
  });

  it('a signed delivery replayed byte for byte answers 200 and does nothing', async () => {
    replicate.pollsToFinish = 1_000;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'replicate/minimax/video-01', prompt: 'waves at night' });
    expect(submit.status).toBe(202);
    const taskId = await taskOf(submit.body.id as string);
    const pollsOf = () => replicate.server.requests.filter((r) => r.method === 'GET' && r.path === `/v1/predictions/${taskId}`).length;

    const body = JSON.stringify({ id: taskId, status: 'processing', logs: '' });
    const msgId = `msg_${randomBytes(8).toString('hex')}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': msgId, 'webhook-timestamp': String(timestamp), 'webhook-signature': replicate.sign(msgId, timestamp, body) };
    const first = await postJson(`${stack.baseUrl}/v1/webhooks/replicate`, body, headers);
    expect(first).toMatchObject({ status: 200, body: { received: true, signalled: true } });
    await expect.poll(pollsOf, { timeout: 10_000 }).toBe(1);
    const replay = await postJson(`${stack.baseUrl}/v1/webhooks/replicate`, body, headers);
    expect(replay).toMatchObject({ status: 200, body: { received: true, signalled: false } });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(pollsOf()).toBe(1);
  });
});
