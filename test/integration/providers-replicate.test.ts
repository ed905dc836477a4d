import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationWorkflowId } from '../../domain/task-queues';
import { pngImage } from '../fakes/media';
import { ReplicateFake } from '../fakes/replicate';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `r8_e2e-${randomUUID()}`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('Replicate end to end: API → workflow → predictions on the Replicate fake → storage', () => {
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

  it('flux-schnell: polled through starting → processing → succeeded, both images stored with matching sha256', async () => {
    const before = fake.servedFiles.length;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'replicate/black-forest-labs/flux-schnell',
      prompt: 'a red bicycle against a blue wall',
      parameters: { output_format: 'png' },
      numberOfOutputs: 2,
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs.map((o) => o.sha256)).toEqual(fake.servedFiles.slice(before).map(sha256));
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 64, height: 64 });
    const row = await stack.repo.findById(done.id);
    const prediction = fake.predictions.get(row!.provider_task_id!);
    expect(prediction?.status).toBe('succeeded');
    expect(prediction?.polls).toBe(2);
  });

  it.each([2, 4])('real-esrgan upscale ×%i of an uploaded image: one prediction by version, the output stored at that many times the size', async (scale) => {
    fake.pollsToFinish = 1;
    const png = await pngImage(40, 30);
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'replicate/nightmareai/real-esrgan',
      prompt: 'upscale this',
      inputImages: [`data:image/png;base64,${png.toString('base64')}`],
      parameters: { scale },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.kind).toBe('upscale');
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 40 * scale, height: 30 * scale, sha256: sha256(fake.servedFiles.at(-1)!) });
    const row = await stack.repo.findById(done.id);
    const prediction = fake.predictions.get(row!.provider_task_id!);
    expect(prediction?.model).toBe('nightmareai/real-esrgan');
    expect(prediction?.input).toMatchObject({ scale, face_enhance: false });
    expect(prediction?.input).not.toHaveProperty('prompt');
  });

  it('the factor is checked at submit: scale 11 answers 400 with the allowed range, and nothing reaches Replicate', async () => {
    const before = fake.predictions.size;
    const png = await pngImage(8, 8);
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'replicate/nightmareai/real-esrgan',
      prompt: 'upscale this',
      inputImages: [`data:image/png;base64,${png.toString('base64')}`],
      parameters: { scale: 11 },
    });
    expect(submit.status).toBe(400);
    expect(JSON.stringify(submit.body)).toContain('scale');
    expect(fake.predictions.size).toBe(before);
  });

  it('a canceled generation cancels its prediction on Replicate', async () => {
    fake.pollsToFinish = 1_000;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'replicate/minimax/video-01', prompt: 'waves at night' });
    const id = submit.body.id as string;
    let taskId: string | null | undefined;
    for (let i = 0; i < 100 && !taskId; i++) {
      taskId = (await stack.repo.findById(id))?.provider_task_id;
      if (!taskId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(taskId).toBeTruthy();
    await stack.client.workflow.getHandle(generationWorkflowId(id)).cancel();
    const done = await waitForGeneration(stack.baseUrl, id);
    expect(done.status).toBe('canceled');
    expect(fake.cancelRequests).toContain(taskId);
    expect(fake.predictions.get(taskId!)?.status).toBe('canceled');
  });
});
