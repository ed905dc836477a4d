import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startStack, temporalAddress, waitForGeneration, withKey, type Stack } from '../support/stack';

type ErrorAnswer = { error?: { code: string; message: string; details?: unknown; type?: string } };

/** POSTs JSON text as given (escapes such as `\ud800` reach the server unparsed). */
async function postText(url: string, text: string, headers: Record<string, string> = {}) {
  const res = await postJson(url, text, headers);
  return { status: res.status, body: res.body as ErrorAnswer & Record<string, unknown> };
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe.skipIf(!temporalAddress)('hostile requests: deep nesting, lone surrogates, filters and owners', () => {
  let stack: Stack;
  let url: string;
  beforeAll(async () => {
    stack = await startStack();
    url = stack.baseUrl;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function createKey(owner?: string): Promise<{ key: string; owner: string }> {
    const res = await postJson(`${url}/v1/api-keys`, { name: 'hostile', role: 'user', ...(owner ? { owner } : {}) });
    expect(res.status).toBe(201);
    return res.body as { key: string; owner: string };
  }

  it('parameters nested 5,000 deep answer 400 naming the depth limit, for a generation and a batch item', async () => {
    const single = await postText(`${url}/v1/generations`, `{"model":"local/image","prompt":"deep","parameters":{"x":${nested(5000)}}}`);
    expect(single.status).toBe(400);
    expect(single.body.error?.code).toBe('INVALID_REQUEST');
    expect(single.body.error?.message).toMatch(/nested more than 32 levels/);

    const batch = await postText(`${url}/v1/batches`, `{"requests":[{"model":"local/image","prompt":"deep","parameters":{"x":${nested(5000)}}}]}`);
    expect(batch.status).toBe(400);
    expect(batch.body.error?.code).toBe('INVALID_REQUEST');
    expect(batch.body.error?.message).toMatch(/nested more than 32 levels/);

    // Every JSON route: experiments and the OpenAI-compatible one too.
    const experiment = await postText(`${url}/v1/experiments`, `{"name":"deep","variants":[{"name":"a","model":"local/image","parameters":{"x":${nested(5000)}}}]}`);
    expect(experiment.status).toBe(400);
    // Refused before the provider config is read, so nothing of it can change.
    const config = await fetch(`${url}/v1/providers/local/config`, { method: 'PUT', headers: withKey({ 'content-type': 'application/json' }), body: `{"defaults":{"x":${nested(5000)}}}` });
    expect(config.status).toBe(400);
    expect(((await config.json()) as ErrorAnswer).error?.message).toMatch(/nested more than 32 levels/);
    const images = await postText(`${url}/v1/images/generations`, `{"prompt":"deep","size":${nested(5000)}}`);
    expect(images.status).toBe(400);
    expect(images.body.error?.type).toBe('invalid_request_error');
  });

  it('a 0.9 MB body of deeply nested arrays is refused at once, and /health answers meanwhile', async () => {
    // 150 chains 3,000 deep: under the stack's limits of recursion, quadratic to walk with path copies.
    const chains = Array.from({ length: 150 }, () => nested(3000)).join(',');
    const text = `{"model":"local/image","prompt":"freeze","parameters":{"x":[${chains}]}}`;
    expect(text.length).toBeGreaterThan(900_000);
    const started = Date.now();
    const heavy = postText(`${url}/v1/generations`, text);
    await new Promise((r) => setTimeout(r, 30));
    const healthStarted = Date.now();
    const health = await fetch(`${url}/health`);
    const healthMs = Date.now() - healthStarted;
    expect(health.status).toBe(200);
    // Generous for a loaded CI machine: before the bounded walk it was 20 s and more.
    expect(healthMs).toBeLessThan(5_000);
    const answer = await heavy;
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toMatch(/nested more than 32 levels/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a body with more than 100,000 values is refused with 400 naming the limit', async () => {
    const many = Array.from({ length: 100_001 }, () => '0').join(',');
    const res = await postText(`${url}/v1/generations`, `{"model":"local/image","prompt":"wide","parameters":{"x":[${many}]}}`);
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/more than 100000 values/);
  });

  it('lone surrogates in metadata, a mask or the images route user answer 400 naming the field', async () => {
    const metadata = await postText(`${url}/v1/generations`, '{"model":"local/image","prompt":"x","metadata":{"shot":"a\\ud800"}}');
    expect(metadata.status).toBe(400);
    expect(metadata.body.error?.code).toBe('INVALID_REQUEST');
    expect(metadata.body.error?.message).toMatch(/^metadata\.shot: .*surrogate/);

    const key = await postText(`${url}/v1/generations`, '{"model":"local/image","prompt":"x","metadata":{"\\udc00":"a"}}');
    expect(key.status).toBe(400);

    const mask = await postText(`${url}/v1/generations`, '{"model":"openai/dall-e-2","prompt":"x","parameters":{"mask":"\\ud800"}}');
    expect(mask.status).toBe(400);
    expect(mask.body.error?.message).toMatch(/^parameters\.mask: /);

    const user = await postText(`${url}/v1/images/generations`, '{"prompt":"x","user":"\\udbff"}');
    expect(user.status).toBe(400);
    expect(user.body.error?.type).toBe('invalid_request_error');
    expect(user.body.error?.message).toMatch(/^user: /);

    // A proper pair (an emoji written as escapes) is text like any other.
    const pair = await postText(`${url}/v1/generations`, '{"model":"local/image","prompt":"\\ud83d\\ude00","parameters":{"width":64,"height":64},"metadata":{"shot":"\\ud83d\\ude00"}}');
    expect(pair.status).toBe(202);
  });

  it('a metadata.__proto__ list filter filters', async () => {
    const owner = `proto-${randomUUID()}`;
    const user = await createKey(owner);
    const auth = { authorization: `Bearer ${user.key}` };
    const created = await postJson(`${url}/v1/generations`, { model: 'local/image', prompt: 'plain', parameters: { width: 64, height: 64 }, metadata: { shot: 'a1' } }, auth);
    expect(created.status).toBe(202);
    await waitForGeneration(url, created.body.id as string);
    const all = await fetch(`${url}/v1/generations`, { headers: auth });
    expect(((await all.json()) as { data: unknown[] }).data).toHaveLength(1);

    const res = await fetch(`${url}/v1/generations?metadata.__proto__=x`, { headers: auth });
    // Filtering (nothing has that key) or refusing are both honest; matching every row is not.
    if (res.status === 200) expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
    else expect(res.status).toBe(400);
  });

  it('a user key naming another owner is refused with 403 on the generation list and on usage; an admin may narrow', async () => {
    const mine = await createKey();
    const auth = { authorization: `Bearer ${mine.key}` };
    const created = await postJson(`${url}/v1/generations`, { model: 'local/image', prompt: 'owned', parameters: { width: 64, height: 64 } }, auth);
    expect(created.status).toBe(202);
    for (const path of ['/v1/generations', '/v1/usage']) {
      const other = await fetch(`${url}${path}?owner=someone-else`, { headers: auth });
      expect(other.status, path).toBe(403);
      expect(((await other.json()) as ErrorAnswer).error?.code).toBe('FORBIDDEN');
      const own = await fetch(`${url}${path}?owner=${encodeURIComponent(mine.owner)}`, { headers: auth });
      expect(own.status, path).toBe(200);
    }
    // The admin narrows the list to that owner, and to an owner with nothing.
    const narrowed = await getJson<{ data: Array<{ id: string }> }>(`${url}/v1/generations?owner=${encodeURIComponent(mine.owner)}`);
    expect(narrowed.body.data.map((g) => g.id)).toEqual([created.body.id]);
    const nobody = await getJson<{ data: unknown[] }>(`${url}/v1/generations?owner=nobody-${randomUUID()}`);
    expect(nobody.body.data).toEqual([]);
  });
});
