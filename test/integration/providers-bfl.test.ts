import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BflFake } from '../fakes/bfl';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `bfl-e2e-${randomUUID()}`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('BFL end to end: API → workflow → BFL fake (submit, polling_url) → storage', () => {
  const fake = new BflFake({ apiKeys: [KEY] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({ env: { GENFLOW_BFL_BASE_URL: fake.url, GENFLOW_BFL_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('flux-pro-1.1: the sample is stored with the sha256 of the bytes the fake served', async () => {
    fake.pollsToFinish = 1;
    const before = fake.servedFiles.length;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'bfl/flux-pro-1.1',
      prompt: 'an owl reading a book',
      parameters: { width: 1024, height: 1024, output_format: 'png' },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs.map((o) => o.sha256)).toEqual(fake.servedFiles.slice(before).map(sha256));
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 128, height: 128 });
    const row = await stack.repo.findById(done.id);
    expect(row?.provider_task_id).toContain('/v1/get_result?id=');
  });

  it('a moderated result fails the generation with CONTENT_REJECTED', async () => {
    fake.pollsToFinish = 1;
    fake.outcome = 'Content Moderated';
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'bfl/flux-kontext-pro', prompt: 'a famous cartoon mouse' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('CONTENT_REJECTED');
  });
});
