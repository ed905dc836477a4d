import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyId } from '../../providers/key-pool';
import type { FakeRequest } from '../fakes/fake-server';
import { KieFake } from '../fakes/kie';
import { KlingFake } from '../fakes/kling';
import { ReplicateFake } from '../fakes/replicate';
import { postJson, requestJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

/**
 * Two keys per provider, each the key of another account: the fakes keep tasks per key and
 * answer "task not found" to the other one, as the real services do. Submits rotate over the
 * keys; every poll, cancel and output download of a task must use the key that submitted it.
 */
const run = randomUUID().slice(0, 8);
const KIE = [`kie-acct-a-${run}`, `kie-acct-b-${run}`];
const R8 = [`r8_acct_a_${run}`, `r8_acct_b_${run}`];
const KLING = [
  { access: `kling-acct-a-${run}`, secret: 'kling-secret-a' },
  { access: `kling-acct-b-${run}`, secret: 'kling-secret-b' },
];

// Odd numbers of tasks: with rotation, polls made in submit order could line up with the owners.
const bearer = (req: FakeRequest): string => (req.headers.authorization ?? '').replace(/^(Bearer|Token) /, '');
const klingIssuer = (req: FakeRequest): string =>
  (JSON.parse(Buffer.from(bearer(req).split('.')[1] ?? '', 'base64url').toString() || '{}') as { iss?: string }).iss ?? '';

describe.skipIf(!temporalAddress)('a task is polled, cancelled and downloaded with the key that submitted it', () => {
  const kie = new KieFake();
  const replicate = new ReplicateFake({ apiKeys: R8 });
  const kling = new KlingFake();
  let stack: Stack;

  beforeAll(async () => {
    await Promise.all([kie.start(), replicate.start(), kling.start()]);
    kie.apiKeys = new Set(KIE);
    kling.keys = new Map(KLING.map((k) => [k.access, k.secret]));
    stack = await startStack({
      // Its own database: one test changes the provider config, which every stack sharing it would see.
      ownDatabase: true,
      env: {
        GENFLOW_KIE_BASE_URL: kie.url,
        GENFLOW_KIE_API_KEYS: KIE.join(','),
        GENFLOW_REPLICATE_BASE_URL: replicate.url,
        GENFLOW_REPLICATE_API_KEYS: R8.join(','),
        GENFLOW_KLING_BASE_URL: kling.url,
        GENFLOW_KLING_API_KEYS: KLING.map((k) => `${k.access}:${k.secret}`).join(','),
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([kie.stop(), replicate.stop(), kling.stop()]);
  });

  async function submit(body: Record<string, unknown>): Promise<string> {
    const res = await postJson(`${stack.baseUrl}/v1/generations`, body);
    expect(res.status).toBe(202);
    return res.body.id as string;
  }

  async function taskOf(id: string): Promise<string> {
    await expect.poll(async () => (await stack.repo.findById(id))?.provider_task_id, { timeout: 20_000 }).toBeTruthy();
    return (await stack.repo.findById(id))!.provider_task_id!;
  }

  it('the fakes scope tasks per account: the other key is told the task does not exist', async () => {
    const create = await fetch(`${kie.url}/api/v1/gpt4o-image/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KIE[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x', size: '1:1' }),
    });
    const { data } = (await create.json()) as { data: { taskId: string } };
    const read = async (key: string) => (await (await fetch(`${kie.url}/api/v1/gpt4o-image/record-info?taskId=${data.taskId}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { code: number };
    expect((await read(KIE[1]!)).code).toBe(404);
    expect((await read(KIE[0]!)).code).toBe(200);
  });

  it('Kie: many submits rotate over both keys, and every poll of a task carries its submitting key', async () => {
    kie.pollsUntilDone = 2;
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => submit({ model: 'kie/4o-image', prompt: `a paper boat ${i}`, parameters: { size: '1:1' } })));
    const done = await Promise.all(ids.map((id) => waitForGeneration(stack.baseUrl, id)));
    expect(done.map((g) => g.status)).toEqual(Array(5).fill('succeeded'));

    const tasks = await Promise.all(ids.map(async (id) => (await stack.repo.findById(id))!));
    const owners = tasks.map((row) => kie.tasks.get(row.provider_task_id!)!.owner);
    expect(new Set(owners)).toEqual(new Set(KIE));
    // The recorded key id is the submitting key's, never the key itself.
    expect(tasks.map((row) => row.provider_task_key)).toEqual(owners.map((k) => keyId(k)));
    expect(JSON.stringify(tasks)).not.toContain(KIE[0]);
    for (const row of tasks) {
      const polls = kie.server.requests.filter((r) => r.path.endsWith('/record-info') && r.query.get('taskId') === row.provider_task_id);
      expect(polls.length).toBeGreaterThanOrEqual(3);
      expect(new Set(polls.map(bearer))).toEqual(new Set([kie.tasks.get(row.provider_task_id!)!.owner]));
    }
  });

  it('Kie extends: a source named by its genflow generation or by its task id is extended with the key that made it', async () => {
    kie.pollsUntilDone = 1;
    // Three sources: submits rotate, so both accounts make some and a rotating extend would miss.
    const sources = await Promise.all(Array.from({ length: 3 }, (_, i) => submit({ model: 'kie/veo3-fast', prompt: `a kite over the dunes ${i}` })));
    expect((await Promise.all(sources.map((id) => waitForGeneration(stack.baseUrl, id)))).map((g) => g.status)).toEqual(Array(3).fill('succeeded'));
    const sourceRows = await Promise.all(sources.map(async (id) => (await stack.repo.findById(id))!));
    expect(new Set(sourceRows.map((row) => kie.tasks.get(row.provider_task_id!)!.owner))).toEqual(new Set(KIE));

    // By generation id (what GET /v1/generations/:id gives a user), and by Kie's task id.
    const byGeneration = await Promise.all(sources.map((id, i) => submit({ model: 'kie/veo3.1-extend', prompt: `the kite drifts out to sea ${i}`, parameters: { sourceGenerationId: id } })));
    const byTaskId = await Promise.all(sourceRows.map((row, i) => submit({ model: 'kie/veo3.1-extend', prompt: `the kite climbs ${i}`, parameters: { taskId: row.provider_task_id } })));
    const extensions = [...byGeneration, ...byTaskId];
    const done = await Promise.all(extensions.map((id) => waitForGeneration(stack.baseUrl, id)));
    expect(done.map((g) => [g.status, g.error?.code])).toEqual(Array(6).fill(['succeeded', undefined]));
    for (const [i, id] of extensions.entries()) {
      const source = sourceRows[i % 3]!;
      const row = (await stack.repo.findById(id))!;
      const task = kie.tasks.get(row.provider_task_id!)!;
      // Kie got its own task id, never genflow's generation id; the extend ran in the source's account.
      expect(task.body).toMatchObject({ taskId: source.provider_task_id });
      expect(task.body).not.toHaveProperty('sourceGenerationId');
      expect(task.owner).toBe(kie.tasks.get(source.provider_task_id!)!.owner);
      expect(row.provider_task_key).toBe(source.provider_task_key);
    }
  });

  it("Kie extends: another owner's generation, or one that is not a finished Kie video, is refused as INVALID_PARAMETERS without a call", async () => {
    kie.pollsUntilDone = 1;
    const mine = await waitForGeneration(stack.baseUrl, await submit({ model: 'kie/veo3-fast', prompt: 'a lighthouse at dusk' }));
    const created = await postJson(`${stack.baseUrl}/v1/api-keys`, { name: 'another owner', role: 'user', owner: `other-${run}` });
    expect(created.status).toBe(201);
    const other = { authorization: `Bearer ${created.body.key as string}` };
    const calls = kie.server.requests.filter((r) => r.path.endsWith('/veo/extend')).length;
    const theirs = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/veo3.1-extend', prompt: 'not yours', parameters: { sourceGenerationId: mine.id } }, other);
    expect(theirs.status).toBe(202);
    const notAVideo = await waitForGeneration(stack.baseUrl, await submit({ model: 'kie/4o-image', prompt: 'a still', parameters: { size: '1:1' } }));
    const refused = await Promise.all([
      waitForGeneration(stack.baseUrl, theirs.body.id as string),
      waitForGeneration(stack.baseUrl, await submit({ model: 'kie/veo3.1-extend', prompt: 'no such source', parameters: { sourceGenerationId: randomUUID() } })),
      waitForGeneration(stack.baseUrl, await submit({ model: 'kie/veo3.1-extend', prompt: 'not a kie video', parameters: { sourceGenerationId: notAVideo.id, model: 'fast' } })),
    ]);
    expect(refused.map((g) => [g.status, g.error?.code])).toEqual(Array(3).fill(['failed', 'INVALID_PARAMETERS']));
    expect(kie.server.requests.filter((r) => r.path.endsWith('/veo/extend')).length).toBe(calls);
    // Both names at once, or neither, is refused at the API.
    const both = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/veo3.1-extend', prompt: 'x', parameters: { sourceGenerationId: mine.id, taskId: 'veo_x' } });
    const neither = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/veo3.1-extend', prompt: 'x', parameters: {} });
    expect([both.status, neither.status]).toEqual([400, 400]);
  });

  it('Kling: the signed token of every task query names the access key that created the task', async () => {
    kling.tasks.pollsUntilDone = 1;
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => submit({ model: 'kling/kling-image-v2', prompt: `a quiet street ${i}` })));
    const done = await Promise.all(ids.map((id) => waitForGeneration(stack.baseUrl, id)));
    expect(done.map((g) => g.status)).toEqual(Array(3).fill('succeeded'));
    const owners = new Set<string>();
    for (const id of ids) {
      const taskId = (await stack.repo.findById(id))!.provider_task_id!;
      const owner = kling.tasks.tasks.get(taskId)!.owner!;
      owners.add(owner);
      const queries = kling.server.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${taskId}`));
      expect(queries.length).toBeGreaterThanOrEqual(2);
      expect(new Set(queries.map(klingIssuer))).toEqual(new Set([owner]));
    }
    expect(owners).toEqual(new Set(KLING.map((k) => k.access)));
  });

  it('Replicate: polls and output downloads use the submitting token; a cancel does too', async () => {
    replicate.pollsToFinish = 2;
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => submit({ model: 'replicate/black-forest-labs/flux-schnell', prompt: `a red kite ${i}` })));
    const done = await Promise.all(ids.map((id) => waitForGeneration(stack.baseUrl, id)));
    expect(done.map((g) => g.status)).toEqual(Array(3).fill('succeeded'));
    for (const id of ids) {
      const prediction = replicate.predictions.get((await stack.repo.findById(id))!.provider_task_id!)!;
      const gets = replicate.server.requests.filter((r) => r.method === 'GET' && r.path === `/v1/predictions/${prediction.id}`);
      const downloads = replicate.server.requests.filter((r) => r.path.startsWith(`/files/${prediction.id}-`));
      expect(gets.length).toBeGreaterThanOrEqual(2);
      expect(downloads.length).toBeGreaterThanOrEqual(1);
      expect(new Set([...gets, ...downloads].map(bearer))).toEqual(new Set([prediction.owner]));
    }

    // Long jobs, cancelled while they run: each cancel goes to the prediction's own account.
    replicate.pollsToFinish = 10_000;
    const long = await Promise.all(Array.from({ length: 4 }, (_, i) => submit({ model: 'replicate/black-forest-labs/flux-schnell', prompt: `a long kite ${i}` })));
    const predictions = await Promise.all(long.map(taskOf));
    for (const id of long) expect((await postJson(`${stack.baseUrl}/v1/generations/${id}/cancel`, {})).status).toBeLessThan(300);
    const ended = await Promise.all(long.map((id) => waitForGeneration(stack.baseUrl, id)));
    expect(ended.map((g) => g.status)).toEqual(Array(4).fill('canceled'));
    await expect.poll(() => predictions.filter((p) => replicate.cancelRequests.includes(p)).length, { timeout: 20_000 }).toBe(4);
    for (const p of predictions) {
      const cancels = replicate.server.requests.filter((r) => r.path === `/v1/predictions/${p}/cancel`);
      expect(new Set(cancels.map(bearer))).toEqual(new Set([replicate.predictions.get(p)!.owner]));
      expect(replicate.predictions.get(p)!.status).toBe('canceled');
    }
    expect(new Set(predictions.map((p) => replicate.predictions.get(p)!.owner))).toEqual(new Set(R8));
  });

  it('a submitting key rejected mid-task fails that generation with PROVIDER_KEY_UNAVAILABLE; the other account is never asked', async () => {
    kie.pollsUntilDone = 10_000;
    const id = await submit({ model: 'kie/4o-image', prompt: 'a task whose key is revoked', parameters: { size: '1:1' } });
    const taskId = await taskOf(id);
    const owner = kie.tasks.get(taskId)!.owner;
    const other = KIE.find((k) => k !== owner)!;
    // The account's owner revokes the key at Kie while the task runs.
    kie.apiKeys.delete(owner);
    try {
      const done = await waitForGeneration(stack.baseUrl, id);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('PROVIDER_KEY_UNAVAILABLE');
      expect(done.error?.message).not.toContain(owner);
      const polls = kie.server.requests.filter((r) => r.path.endsWith('/record-info') && r.query.get('taskId') === taskId);
      expect(polls.map(bearer)).not.toContain(other);
      const providers = await requestJson('GET', `${stack.baseUrl}/v1/providers`);
      const keys = (providers.body.data as Array<{ id: string; keys: Array<{ id: string; status: string }> }>).find((p) => p.id === 'kie')!.keys;
      expect(keys.find((k) => k.id === keyId(owner))?.status).toBe('disabled');

      // New work goes on with the other account's key.
      kie.pollsUntilDone = 0;
      const next = await waitForGeneration(stack.baseUrl, await submit({ model: 'kie/4o-image', prompt: 'after the revocation', parameters: { size: '1:1' } }));
      expect(next.status).toBe('succeeded');
      expect(kie.tasks.get((await stack.repo.findById(next.id))!.provider_task_id!)!.owner).toBe(other);
    } finally {
      kie.apiKeys.add(owner);
    }
  });

  it('a submitting key removed from the provider config mid-task fails that generation with PROVIDER_KEY_UNAVAILABLE', async () => {
    kling.tasks.pollsUntilDone = 10_000;
    const id = await submit({ model: 'kling/kling-image-v2', prompt: 'a task whose key leaves the config' });
    const taskId = await taskOf(id);
    const owner = kling.tasks.tasks.get(taskId)!.owner!;
    const kept = KLING.find((k) => k.access !== owner)!;
    const url = `${stack.baseUrl}/v1/providers/kling/config`;
    const put = await requestJson('PUT', url, { apiKeys: [`${kept.access}:${kept.secret}`] });
    expect(put.status).toBe(200);
    try {
      const done = await waitForGeneration(stack.baseUrl, id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatchObject({ code: 'PROVIDER_KEY_UNAVAILABLE', message: expect.stringContaining('no longer configured') as unknown });
      const queries = kling.server.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${taskId}`));
      expect(queries.map(klingIssuer)).not.toContain(kept.access);
    } finally {
      await requestJson('DELETE', url);
    }
  });
});
