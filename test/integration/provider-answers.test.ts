import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicateFake } from '../fakes/replicate';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state persists in the database.
const KEY = `r8_answers-${randomUUID()}`;

describe.skipIf(!temporalAddress)('a provider answer that does not match its schema fails the generation', () => {
  const fake = new ReplicateFake({ apiKeys: [KEY] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({ env: { GENFLOW_REPLICATE_BASE_URL: fake.url, GENFLOW_REPLICATE_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('Replicate polls answering a non-string `logs`: failed, PROVIDER_ERROR naming `logs`, not retried', async () => {
    fake.pollsToFinish = 1;
    // Every poll answers a prediction whose `logs` is a number: a changed API, not an outage.
    fake.server.malform = (req, json) => (req.method === 'GET' && req.path.startsWith('/v1/predictions/') ? { ...(json as object), logs: 7 } : undefined);
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'replicate/black-forest-labs/flux-schnell', prompt: 'a teapot on a windowsill' });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('PROVIDER_ERROR');
    expect(done.error?.message).toContain('replicate answered 200 with an unexpected body: logs: ');
    // PROVIDER_ERROR is not retryable: one poll saw the answer, no retries hammered the provider.
    const polls = fake.server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/predictions/'));
    expect(polls).toHaveLength(1);
  });
});
