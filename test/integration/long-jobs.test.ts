import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationProgress, GenerationView } from '../../domain/generation';
import { generationWorkflowId } from '../../domain/task-queues';
import { FakeServer, type FakeRequest } from '../fakes/fake-server';
import { KieFake } from '../fakes/kie';
import { ReplicateFake } from '../fakes/replicate';
import { getGeneration, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';
import { providerTaskOf, webhookProviderEnv } from '../support/webhook-providers';

const KEY = `r8_long-jobs-${randomUUID()}`;
const SECRET = randomBytes(24).toString('hex');

type Verify = (rawBody: Buffer | string, header: string, secret: string) => boolean;

/** The verification recipe exactly as README.md documents it, so the documentation is what is tested. */
function readmeRecipe(): Verify {
  const readme = readFileSync('README.md', 'utf8');
  const block = /```js\n(import \{ createHmac, timingSafeEqual \} from 'node:crypto';[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no callback verification recipe');
  const body = block.replace(/^import .*$/m, '');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running the documented snippet is the point
  const build = new Function('createHmac', 'timingSafeEqual', `${body}\nreturn verifyGenflowSignature;`) as (h: typeof createHmac, t: typeof timingSafeEqual) => Verify;
  return build(createHmac, timingSafeEqual);
}

describe.skipIf(!temporalAddress)('long jobs: provider webhooks, fallbacks, client callbacks', () => {
  const replicate = new ReplicateFake({ apiKeys: [KEY] });
  const kie = new KieFake();
  const client = new FakeServer().route('POST', '/hooks/:name', () => ({ status: 204 }));
  let stack: Stack;

  const deliveries = (name: string): FakeRequest[] => client.requests.filter((r) => r.path === `/hooks/${name}`);

  beforeAll(async () => {
    await replicate.start();
    await kie.start();
    await client.start();
    stack = await startStack({
      providerCallbacks: true,
      env: {
        ...webhookProviderEnv(kie, replicate, KEY),
        GENFLOW_WEBHOOK_SECRET: SECRET,
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await client.stop();
    await kie.stop();
    await replicate.stop();
  });

  const taskOf = (id: string) => providerTaskOf(stack, id);

  /** GETs of the prediction: the polls Replicate saw. */
  const pollsOf = (taskId: string) => replicate.server.requests.filter((r) => r.method === 'GET' && r.path === `/v1/predictions/${taskId}`).length;

  function signedDelivery(body: string, secret = replicate.webhookSecret) {
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': replicate.sign(id, timestamp, body, secret) };
  }

  it('a forged webhook is refused (401) and changes nothing; the signed one finishes the job at once, long before its first poll', async () => {
    replicate.pollsToFinish = 1_000;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'replicate/minimax/video-01', prompt: 'waves at night' });
    expect(submit.status).toBe(202);
    const id = submit.body.id as string;
    const taskId = await taskOf(id);
    const prediction = replicate.predictions.get(taskId)!;
    // The callback URL genflow handed to Replicate.
    expect(prediction.webhook).toMatch(new RegExp(`^${stack.baseUrl}/v1/webhooks/replicate\\?generation=${id}&token=`));

    const claim = JSON.stringify({ id: taskId, status: 'succeeded', output: `${replicate.url}/files/forged.mp4`, logs: '' });
    const forged = await postJson(`${stack.baseUrl}/v1/webhooks/replicate`, claim, signedDelivery(claim, `whsec_${randomBytes(24).toString('base64')}`));
    expect(forged.status).toBe(401);
    expect((forged.body.error as { code: string }).code).toBe('AUTHENTICATION_FAILED');
    const unsigned = await postJson(`${stack.baseUrl}/v1/webhooks/replicate`, claim);
    expect(unsigned.status).toBe(401);
    const handle = stack.client.workflow.getHandle(generationWorkflowId(id));
    expect((await handle.query<GenerationProgress>('progress')).polls).toBe(0);
    expect((await getGeneration(stack.baseUrl, id)).status).toBe('running');

    // The model finishes; Replicate delivers its signed `completed` webhook.
    await replicate.finish(taskId);
    expect(replicate.webhookDeliveries.at(-1)).toEqual({ status: 200, event: 'completed' });
    const done = await waitForGeneration(stack.baseUrl, id);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(1);
    // One poll, made on the webhook; the scheduled first poll (after 240 s) never came.
    expect(pollsOf(taskId)).toBe(1);

    // The same delivery again, and a late one: 200, no effect.
    const view = JSON.stringify({ id: taskId, status: 'succeeded', output: prediction.output, logs: '' });
    const again = await postJson(`${stack.baseUrl}/v1/webhooks/replicate`, view, signedDelivery(view));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: true, signalled: false });
    const after = await getGeneration(stack.baseUrl, id);
    expect(after.outputs).toEqual(done.outputs);
    expect(pollsOf(taskId)).toBe(1);
  });

  it('Kie (unsigned callbacks): the per-generation token authenticates; a wrong token is refused, the right one finishes the job at once', async () => {
    kie.pollsUntilDone = 0;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'kie/veo3-fast', prompt: 'a quiet harbour' });
    expect(submit.status).toBe(202);
    const id = submit.body.id as string;
    const taskId = await taskOf(id);
    const task = kie.tasks.get(taskId)!;
    const callback = new URL(String(task.body.callBackUrl));
    expect(`${callback.origin}${callback.pathname}`).toBe(`${stack.baseUrl}/v1/webhooks/kie`);
    expect(callback.searchParams.get('generation')).toBe(id);

    const wrong = await fetch(`${stack.baseUrl}/v1/webhooks/kie?generation=${id}&token=${'x'.repeat(32)}`, { method: 'POST', body: '{}' });
    expect(wrong.status).toBe(401);
    // The right token on another provider's route is no good either.
    const elsewhere = await fetch(`${stack.baseUrl}/v1/webhooks/bfl${callback.search}`, { method: 'POST', body: '{}' });
    expect(elsewhere.status).toBe(401);
    expect(task.polls).toBe(0);

    const right = await fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 200, data: { taskId } }) });
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ received: true, signalled: true });
    const done = await waitForGeneration(stack.baseUrl, id);
    expect(done.status).toBe('succeeded');
    // Veo's first poll is due after its expected duration; the callback made it happen now.
    expect(task.polls).toBe(1);
  });

  it('falls back to the next model of the same kind and lists every attempt; a cross-kind fallback is refused', async () => {
    replicate.pollsToFinish = 1;
    replicate.outcome = 'failed';
    try {
      const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
        model: 'replicate/black-forest-labs/flux-schnell',
        prompt: 'a lighthouse at dusk',
        fallbackModels: ['local/image'],
      });
      expect(submit.status).toBe(202);
      const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
      expect(done.status).toBe('succeeded');
      expect(done.model).toBe('replicate/black-forest-labs/flux-schnell');
      expect(done.resultModel).toBe('local/image');
      expect(done.fallbackModels).toEqual(['local/image']);
      expect(done.outputs[0]?.contentType).toMatch(/^image\//);
      expect(done.attempts).toEqual([
        expect.objectContaining({ model: 'replicate/black-forest-labs/flux-schnell', status: 'failed', code: 'PROVIDER_ERROR', message: expect.stringContaining('CUDA') as unknown }),
        expect.objectContaining({ model: 'local/image', status: 'succeeded' }),
      ]);
      for (const a of done.attempts ?? []) expect(Date.parse(a.finishedAt)).toBeGreaterThanOrEqual(Date.parse(a.startedAt));
    } finally {
      replicate.outcome = 'succeeded';
    }

    const crossKind = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'a fox', fallbackModels: ['local/speech'] });
    expect(crossKind.status).toBe(400);
    expect(crossKind.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/^fallbackModels\.0: local\/speech does not do text-to-image/) as unknown });
  });

  it('calls the client back once per outcome, signed so that the README recipe verifies it', async () => {
    const verify = readmeRecipe();
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'a red kite', webhookUrl: `${client.url}/hooks/ok` });
    expect(submit.status).toBe(202);
    const id = submit.body.id as string;
    await expect.poll(() => deliveries('ok').length, { timeout: 20_000 }).toBe(1);
    const [delivery] = deliveries('ok');
    const header = String(delivery!.headers['genflow-signature']);
    expect(verify(delivery!.body, header, SECRET)).toBe(true);
    // Tampered body, or another secret: the recipe says no.
    expect(verify(Buffer.concat([delivery!.body, Buffer.from(' ')]), header, SECRET)).toBe(false);
    expect(verify(delivery!.body, header, 'another-secret-entirely')).toBe(false);
    const payload = JSON.parse(delivery!.body.toString('utf8')) as { type: string; data: GenerationView };
    expect(payload.type).toBe('generation.succeeded');
    expect(payload.data.id).toBe(id);
    expect(payload.data.status).toBe('succeeded');
    expect(payload.data.outputs).toEqual((await getGeneration(stack.baseUrl, id)).outputs.map((o) => ({ ...o, url: expect.any(String) as unknown })));
    await expect.poll(async () => (await stack.repo.findById(id))?.webhook_delivered_at, { timeout: 10_000 }).toBeTruthy();
    expect(deliveries('ok')).toHaveLength(1);
  });

  it('a canceled generation is reported canceled, and its prediction is cancelled at the provider', async () => {
    replicate.pollsToFinish = 1_000;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'replicate/minimax/video-01', prompt: 'a storm', webhookUrl: `${client.url}/hooks/cancel` });
    const id = submit.body.id as string;
    const taskId = await taskOf(id);
    const canceled = await postJson(`${stack.baseUrl}/v1/generations/${id}/cancel`, {});
    expect(canceled.status).toBe(202);
    await expect.poll(() => deliveries('cancel').length, { timeout: 20_000 }).toBe(1);
    const payload = JSON.parse(deliveries('cancel')[0]!.body.toString('utf8')) as { type: string; data: GenerationView };
    expect(payload).toMatchObject({ type: 'generation.canceled', data: { id, status: 'canceled' } });
    expect(replicate.cancelRequests).toContain(taskId);
  });

  it('a failed generation is reported failed, with its error code', async () => {
    replicate.pollsToFinish = 1;
    replicate.outcome = 'nsfw';
    try {
      const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
        model: 'replicate/black-forest-labs/flux-schnell',
        prompt: 'something the checker refuses',
        webhookUrl: `${client.url}/hooks/failed`,
      });
      const id = submit.body.id as string;
      await expect.poll(() => deliveries('failed').length, { timeout: 20_000 }).toBe(1);
      const payload = JSON.parse(deliveries('failed')[0]!.body.toString('utf8')) as { type: string; data: GenerationView };
      expect(payload).toMatchObject({ type: 'generation.failed', data: { id, status: 'failed', error: { code: 'CONTENT_REJECTED' } } });
    } finally {
      replicate.outcome = 'succeeded';
    }
  });

  it('a batch reports its completion through the same signed callback', async () => {
    const verify = readmeRecipe();
    const submit = await postJson(`${stack.baseUrl}/v1/batches`, {
      requests: [{ model: 'local/image', prompt: 'one' }, { model: 'local/image', prompt: 'two' }],
      options: { webhookUrl: `${client.url}/hooks/batch` },
    });
    expect(submit.status).toBe(202);
    await expect.poll(() => deliveries('batch').length, { timeout: 30_000 }).toBe(1);
    const [delivery] = deliveries('batch');
    expect(verify(delivery!.body, String(delivery!.headers['genflow-signature']), SECRET)).toBe(true);
    expect(JSON.parse(delivery!.body.toString('utf8'))).toMatchObject({
      type: 'batch.succeeded',
      data: { id: submit.body.id, status: 'succeeded', counts: expect.objectContaining({ succeeded: 2 }) as unknown },
    });
  });

  it('refuses at submit a webhookUrl on a private address', async () => {
    for (const url of ['http://10.0.0.7/hook', 'http://192.168.1.20:8080/hook', 'http://169.254.169.254/latest/meta-data']) {
      const res = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'x', webhookUrl: url });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/^webhookUrl: refused/) as unknown });
    }
    const batch = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [{ model: 'local/image', prompt: 'x' }], options: { webhookUrl: 'http://10.1.2.3/hook' } });
    expect(batch.status).toBe(400);
  });
});
