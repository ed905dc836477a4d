import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderStatus } from '../../providers/provider-gateway';
import { AcmeFake, acmeYaml } from '../fakes/custom-http';
import { apiFetch, getGeneration, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';
import { capturingLogs } from '../support/capture-logs';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function download(url: string): Promise<{ type: string | null; data: Buffer }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), data: Buffer.from(await res.arrayBuffer()) };
}

async function providersList(stack: Stack): Promise<ProviderStatus[]> {
  const res = await apiFetch(`${stack.baseUrl}/v1/providers`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: ProviderStatus[] }).data;
}

describe.skipIf(!temporalAddress)('a custom HTTP provider declared only in YAML, end to end', () => {
  // Random keys: a shared Postgres keeps key state between runs, keyed by a hash of the key.
  const [rejected, limited, good, lone] = ['rejected', 'limited', 'good', 'lone'].map((name) => `sk-${name}-${randomUUID()}`) as [string, string, string, string];
  const fake = new AcmeFake({ keys: [good, limited] });
  const logs = capturingLogs();
  let dir: string;
  let stack: Stack;

  beforeAll(async () => {
    logs.start();
    await fake.start();
    fake.rateLimited.set(limited, 30);
    fake.pollsToComplete = 1;
    dir = mkdtempSync(join(tmpdir(), 'genflow-custom-'));
    const file = join(dir, 'providers.yaml');
    // A second declaration of the same service whose only key is revoked.
    writeFileSync(file, acmeYaml(fake.url, ['acme', 'acme-revoked']));
    stack = await startStack({
      logger: logs.logger,
      env: {
        GENFLOW_CUSTOM_PROVIDERS: file,
        GENFLOW_ACME_API_KEYS: `${rejected},${limited},${good}`,
        GENFLOW_ACME_REVOKED_API_KEY: lone,
        GENFLOW_DEFAULT_MODELS: 'text-to-image=acme/image',
        // Any registered text-to-text model can enhance prompts, a declared one too.
        GENFLOW_PROMPT_ENHANCER_MODEL: 'acme/writer',
        GENFLOW_PROMPT_ENHANCER_SYSTEM_PROMPT: 'Rewrite for a photographer.',
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    logs.stop();
    await fake.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rotates keys: 401 on the first, 429 on the second, success on the third; the rejected key shows disabled', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'acme/image', prompt: 'a red kite over hills', numberOfOutputs: 2 });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(fake.keysSeen().slice(0, 3)).toEqual([rejected, limited, good]);

    // The stored bytes are exactly the bytes the fake served at the URLs it answered with.
    expect(done.outputs).toHaveLength(2);
    const served = new Set([...fake.files.values()].map(sha));
    for (const output of done.outputs) {
      const { type, data } = await download(output.url);
      expect(type).toBe('image/png');
      expect(served.has(sha(data))).toBe(true);
      expect(output).toMatchObject({ contentType: 'image/png', width: 32, height: 24, sha256: sha(data) });
    }

    const acme = (await providersList(stack)).find((p) => p.id === 'acme');
    expect(acme).toMatchObject({ configured: true, custom: true, requiresApiKey: true, baseUrl: `${fake.url}/v1` });
    expect(acme?.models.map((m) => m.id)).toEqual(['acme/image', 'acme/render', 'acme/writer']);
    expect(acme?.keys.map((k) => k.status)).toEqual(['disabled', 'cooling_down', 'active']);
    expect(acme?.keys[0]).toMatchObject({ masked: `sk-…${rejected.slice(-4)}`, lastError: 'AUTHENTICATION_FAILED' });
    expect(acme?.keys[1]).toMatchObject({ lastError: 'RATE_LIMITED' });
    expect(Date.parse(acme!.keys[1]!.coolingDownUntil!)).toBeGreaterThan(Date.now() + 20_000);
    // The fake echoed the rejected key in its 401 message; what genflow kept is masked.
    expect(acme?.keys[0]?.lastErrorMessage).toContain('Incorrect API key provided: sk-…');
  });

  it('runs an async task: submit, polls with progress, outputs from the status response', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'acme/render', prompt: 'a glass city', parameters: { duration: 2 } });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const create = fake.server.requests.find((r) => r.method === 'POST' && r.path === '/v1/tasks');
    expect(create?.json).toEqual({ model: 'render', prompt: 'a glass city', duration: 2 });
    const row = await stack.repo.findById(done.id);
    const task = fake.tasks.get(row!.provider_task_id!);
    expect(task?.polls).toBe(fake.pollsToComplete + 1);
    const { data } = await download(done.outputs[0]!.url);
    expect([...fake.files.values()].map(sha)).toContain(sha(data));
  });

  it('reports a failed task with the reason from the declared error path', async () => {
    fake.failTasks = true;
    try {
      const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'acme/render', prompt: 'doomed' });
      const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('PROVIDER_ERROR');
      expect(done.error?.message).toContain('the render node crashed');
    } finally {
      fake.failTasks = false;
    }
  });

  it('validates parameters with the declared schema and shows it as JSON Schema', async () => {
    const bad = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'acme/image', prompt: 'x', parameters: { size: '999x999' } });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { message: string }).message).toContain('parameters.size');
    const models = (await (await apiFetch(`${stack.baseUrl}/v1/models`)).json()) as { data: Array<{ id: string; parameters: { properties: Record<string, unknown> } }> };
    const render = models.data.find((m) => m.id === 'acme/render');
    expect(render?.parameters.properties.duration).toMatchObject({ type: 'integer', minimum: 1, maximum: 10 });
  });

  it('uses the configured default model when a request gives only a kind, and records that', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { kind: 'text-to-image', prompt: 'a default fox', parameters: { format: 'b64_json' } });
    expect(submit.status).toBe(202);
    expect(submit.body).toMatchObject({ model: 'acme/image', modelSelectedBy: 'default' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const named = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'named', parameters: { width: 64, height: 64 } });
    expect(named.body.modelSelectedBy).toBe('request');

    const neither = await postJson(`${stack.baseUrl}/v1/generations`, { prompt: 'no model' });
    expect(neither.status).toBe(400);
    expect(neither.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('model') as unknown });
    const wrongKind = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', kind: 'text-to-speech', prompt: 'x' });
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.error).toMatchObject({ code: 'UNSUPPORTED_CAPABILITY' });
  });

  it('enhances the prompt with the configured text model first, then generates with it', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'acme/render', prompt: 'a lighthouse at night', enhancePrompt: true });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.prompt).toBe('a lighthouse at night');
    expect(done.enhancedPrompt).toBe('a lighthouse at night, golden hour light, ultra detailed (as instructed)');
    const chat = fake.server.requests.filter((r) => r.path === '/v1/chat/completions').at(-1);
    expect(chat?.json).toMatchObject({ messages: [{ role: 'system', content: 'Rewrite for a photographer.' }, { role: 'user', content: 'a lighthouse at night' }] });
    // The provider got the enhanced prompt, not the original.
    const task = fake.server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/tasks').at(-1);
    expect((task?.json as { prompt: string }).prompt).toBe(done.enhancedPrompt);
  });

  it('returns a text-to-text generation as a stored text/plain asset', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'acme/writer', prompt: 'a cat on a roof' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]?.contentType).toBe('text/plain; charset=utf-8');
    const { data } = await download(done.outputs[0]!.url);
    expect(data.toString('utf8')).toBe('a cat on a roof, golden hour light, ultra detailed (as instructed)');
    const chat = fake.server.requests.filter((r) => r.path === '/v1/chat/completions').at(-1);
    expect(chat?.json).toEqual({
      model: 'acme-chat',
      messages: [
        { role: 'system', content: 'You improve prompts.' },
        { role: 'user', content: 'a cat on a roof' },
      ],
    });
  });

  it('fails AUTHENTICATION_FAILED when every key is rejected, with the echoed key masked', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'acme-revoked/image', prompt: 'no entry' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('AUTHENTICATION_FAILED');
    expect(done.error?.message).toContain(`Incorrect API key provided: sk-…${lone.slice(-4)}`);
    const revoked = (await providersList(stack)).find((p) => p.id === 'acme-revoked');
    expect(revoked?.keys.map((k) => k.status)).toEqual(['disabled']);
  });

  it('never lets a key text reach a log line, a response, or the workflow histories', async () => {
    const keys = [rejected, limited, good, lone];
    // Payloads are base64 in a history: decode them so the search sees their text.
    const decode = (key: string, value: unknown) =>
      key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value;
    const logText = logs.text();
    expect(logText).toContain('generation finished');
    // The worker logged the failed attempts with the provider's message: the capture sees them.
    expect(logText).toContain('Incorrect API key provided: sk-…');
    const responses = JSON.stringify(await providersList(stack));
    const histories: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) {
      const history = await stack.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      histories.push(JSON.stringify(history, decode));
      const row = await stack.repo.findById(wf.workflowId.replace(/^gen_/, ''));
      if (row) histories.push(JSON.stringify(await getGeneration(stack.baseUrl, row.id)));
    }
    expect(histories.length).toBeGreaterThan(5);
    // The failure message of the all-keys-rejected run is in a history: proof the search reads them.
    expect(histories.join('\n')).toContain('Incorrect API key provided');
    for (const key of keys) {
      expect(logText).not.toContain(key);
      expect(responses).not.toContain(key);
      expect(histories.join('\n')).not.toContain(key);
    }
  });
});
