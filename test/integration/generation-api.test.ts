import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFetch, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

describe.skipIf(!temporalAddress)('generations over HTTP, real Temporal + database', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function fetchBytes(url: string): Promise<{ type: string | null; data: Buffer }> {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return { type: res.headers.get('content-type'), data: Buffer.from(await res.arrayBuffer()) };
  }

  it('runs a sync image generation and serves the stored bytes', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'local/image',
      prompt: 'a red fox in the snow',
      parameters: { width: 320, height: 200, format: 'png' },
      numberOfOutputs: 2,
    });
    expect(submit.status).toBe(202);
    expect(submit.body).toMatchObject({ status: 'queued', model: 'local/image', provider: 'local' });
    const id = submit.body.id as string;

    const done = await waitForGeneration(stack.baseUrl, id);
    expect(done.status).toBe('succeeded');
    expect(done.progress).toBe(1);
    expect(done.completedAt).toBeDefined();
    expect(done.outputs).toHaveLength(2);
    for (const output of done.outputs) {
      expect(output).toMatchObject({ contentType: 'image/png', width: 320, height: 200 });
      const { type, data } = await fetchBytes(output.url);
      expect(type).toBe('image/png');
      expect(data.length).toBe(output.bytes);
      expect(createHash('sha256').update(data).digest('hex')).toBe(output.sha256);
      const meta = await sharp(data).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 320, 200]);
    }
    expect(done.outputs[0]!.sha256).not.toBe(done.outputs[1]!.sha256);
  });

  it('runs an async video job to the end and stores an animated image', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'local/video',
      prompt: 'waves rolling onto a beach',
      parameters: { durationSeconds: 2, width: 96, height: 64, fps: 4 },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const [video] = done.outputs;
    expect(video?.contentType).toBe('image/webp');
    const { data } = await fetchBytes(video!.url);
    const meta = await sharp(data, { animated: true }).metadata();
    expect(meta.pages).toBeGreaterThan(1);
    expect(meta.width).toBe(96);
    const row = await stack.repo.findById(done.id);
    expect(row?.provider_task_id).toBeTruthy();
  });

  it('stores speech as WAV whose duration is reported', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/speech', prompt: 'Hello from genflow.' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]?.contentType).toBe('audio/wav');
    expect(done.outputs[0]?.durationSeconds).toBeGreaterThan(0.4);
  });

  it('retries a rate-limited provider call and then succeeds', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'local/image',
      prompt: 'retry me',
      parameters: { width: 64, height: 64, failWith: 'RATE_LIMITED', failTimes: 1 },
    });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(1);
  });

  it('fails at once with the provider error code when the failure is not retryable', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'local/image',
      prompt: 'something forbidden',
      parameters: { failWith: 'CONTENT_REJECTED' },
    });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('CONTENT_REJECTED');
    expect(done.outputs).toEqual([]);
  });

  it('answers the same generation for a repeated Idempotency-Key and starts one workflow', async () => {
    const body = { model: 'local/image', prompt: 'only once', parameters: { width: 64, height: 64 } };
    const headers = { 'Idempotency-Key': `key-${Date.now()}` };
    const first = await postJson(`${stack.baseUrl}/v1/generations`, body, headers);
    const second = await postJson(`${stack.baseUrl}/v1/generations`, body, headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const id = first.body.id as string;
    await waitForGeneration(stack.baseUrl, id);
    const runs = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = 'gen_${id}'` })) runs.push(wf.runId);
    expect(runs).toHaveLength(1);

    const reused = await postJson(`${stack.baseUrl}/v1/generations`, { ...body, prompt: 'something else' }, headers);
    expect(reused.status).toBe(409);
    expect((reused.body.error as { code: string }).code).toBe('CONFLICT');
  });

  it('lists the models with JSON Schema parameters', async () => {
    const res = await apiFetch(`${stack.baseUrl}/v1/models`);
    const body = (await res.json()) as { data: Array<{ id: string; async: boolean; kinds: string[]; parameters: { properties: Record<string, { maximum?: number }> } }> };
    const image = body.data.find((m) => m.id === 'local/image');
    const video = body.data.find((m) => m.id === 'local/video');
    expect(image?.async).toBe(false);
    expect(image?.parameters.properties.width?.maximum).toBe(2048);
    expect(video?.async).toBe(true);
    expect(video?.kinds).toEqual(expect.arrayContaining(['text-to-video', 'image-to-video']));
  });

  it('reports health of the API, database, Temporal and storage', async () => {
    // The per-component report is for admins (the stack's helpers send its admin key).
    const res = await apiFetch(`${stack.baseUrl}/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { components: Record<string, { ok: boolean }> };
    expect(Object.keys(body.components).sort()).toEqual(['database', 'storage', 'temporal']);
  });

  describe('bad input gets a clear error', () => {
    async function expectError(res: Response | { status: number; body: Record<string, unknown> }, status: number, code: string) {
      const body = res instanceof Response ? ((await res.json()) as Record<string, unknown>) : res.body;
      expect(res.status).toBe(status);
      const error = body.error as { code: string; message: string };
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(0);
      return error;
    }

    it('malformed JSON', async () => {
      const res = await postJson(`${stack.baseUrl}/v1/generations`, '{"model": "local/image", ');
      await expectError(res, 400, 'INVALID_REQUEST');
    });

    it('missing prompt', async () => {
      const error = await expectError(await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image' }), 400, 'INVALID_REQUEST');
      expect(error.message).toContain('prompt');
    });

    it('unknown model', async () => {
      const error = await expectError(
        await postJson(`${stack.baseUrl}/v1/generations`, { model: 'nope/nothing', prompt: 'x' }),
        400,
        'INVALID_REQUEST',
      );
      expect(error.message).toContain('nope/nothing');
    });

    it('out-of-range parameter, naming the field', async () => {
      const res = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'x', parameters: { width: 5000 } });
      const error = await expectError(res, 400, 'INVALID_PARAMETERS');
      expect(error.message).toContain('parameters.width');
    });

    it('oversized body', async () => {
      const res = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'x'.repeat(2 * 1024 * 1024) });
      await expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('unknown generation and unknown route', async () => {
      await expectError(await apiFetch(`${stack.baseUrl}/v1/generations/00000000-0000-4000-8000-000000000000`), 404, 'NOT_FOUND');
      await expectError(await apiFetch(`${stack.baseUrl}/v1/generations/not-an-id`), 404, 'NOT_FOUND');
      await expectError(await apiFetch(`${stack.baseUrl}/v2/whatever`), 404, 'NOT_FOUND');
    });
  });
});
