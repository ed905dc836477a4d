import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import { apiFetch, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

describe.skipIf(!temporalAddress)('cancelling generations and streaming their events', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const video = (durationSeconds: number) => ({
    model: 'local/video',
    prompt: 'a long slow pan',
    parameters: { durationSeconds, width: 64, height: 64, fps: 1 },
  });

  it('cancels a running job at the provider and records canceled', async () => {
    const { body } = await postJson(`${stack.baseUrl}/v1/generations`, video(30));
    const id = body.id as string;
    await waitForGeneration(stack.baseUrl, id, (g) => g.status === 'running' && g.progress > 0, 30_000);
    const res = await postJson(`${stack.baseUrl}/v1/generations/${id}/cancel`, {});
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('canceled');
    const done = await waitForGeneration(stack.baseUrl, id);
    expect(done.status).toBe('canceled');
    expect(done.outputs).toEqual([]);
    // The provider saw the cancel: the local job file records it.
    const row = await stack.repo.findById(id);
    const jobsDir = join(stack.home, 'providers', 'local', 'local-jobs');
    const job = JSON.parse(readFileSync(join(jobsDir, readdirSync(jobsDir).find((f) => f.startsWith(row!.provider_task_id!))!), 'utf8')) as { canceledAt?: number };
    expect(job.canceledAt).toBeGreaterThan(0);
  });

  it('answers 409 with the current status for a finished generation, 404 for an unknown one', async () => {
    const { body } = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'done', parameters: { width: 64, height: 64 } });
    await waitForGeneration(stack.baseUrl, body.id as string);
    const res = await postJson(`${stack.baseUrl}/v1/generations/${body.id as string}/cancel`, {});
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', details: { status: 'succeeded' } });
    const missing = await postJson(`${stack.baseUrl}/v1/generations/00000000-0000-4000-8000-000000000000/cancel`, {});
    expect(missing.status).toBe(404);
  });

  it('streams progress as Server-Sent Events until the generation ends', async () => {
    const { body } = await postJson(`${stack.baseUrl}/v1/generations`, video(3));
    const res = await apiFetch(`${stack.baseUrl}/v1/generations/${body.id as string}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text(); // the server closes the stream after `done`
    const events = text
      .trim()
      .split('\n\n')
      .filter((block) => block.startsWith('event:'))
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) as Record<string, unknown> };
      });
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress as number);
    expect(progress.length).toBeGreaterThan(2);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect((done.data as unknown as GenerationView).status).toBe('succeeded');
    expect((done.data as unknown as GenerationView).outputs).toHaveLength(1);
  });
});
