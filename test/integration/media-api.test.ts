import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationWorkflowId } from '../../domain/task-queues';
import { s3Server } from '../support/s3';
import { apiFetch, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

/** A stand-in for a user's image host on loopback: a real PNG, and an HTML page named .png. */
async function imageHost(): Promise<{ url: string; server: Server }> {
  const red = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#ff0000' } }).png().toBuffer();
  const server = createServer((req, res) => {
    if (req.url === '/red.png') res.writeHead(200, { 'content-type': 'image/png' }).end(red);
    else if (req.url === '/cat.png') res.writeHead(200, { 'content-type': 'image/png' }).end('<!doctype html><title>login</title>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress || !s3Server)('a generation end to end with S3 storage (SeaweedFS)', () => {
  let stack: Stack;
  let host: { url: string; server: Server };
  beforeAll(async () => {
    [stack, host] = await Promise.all([startStack({ storage: 's3' }), imageHost()]);
  });
  afterAll(async () => {
    host?.server.close();
    await stack?.stop();
  });

  it('prepares the input image, stores the output in S3, redirects downloads to a presigned URL, and DELETE removes it all', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'local/video',
      prompt: 'a red balloon drifting',
      inputImages: [`${host.url}/red.png`],
      parameters: { durationSeconds: 1, width: 96, height: 64, fps: 4 },
    });
    expect(submit.status).toBe(202);
    const id = submit.body.id as string;
    const done = await waitForGeneration(stack.baseUrl, id);
    expect(done.status).toBe('succeeded');
    const [output] = done.outputs;
    expect(output).toMatchObject({ contentType: 'image/webp', width: 96, height: 64 });

    // The input went through the standard preset (inside 1024×1024) into the bucket.
    const input = await stack.storage.get(`inputs/${id}/0.png`);
    expect(input).toBeDefined();
    const inputMeta = await sharp(Buffer.concat(await input!.stream.toArray())).metadata();
    expect([inputMeta.width, inputMeta.height]).toEqual([1024, 768]);

    // The asset URL answers 302 to a presigned S3 URL; following it gives the stored bytes.
    const redirect = await fetch(output!.url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location.startsWith(s3Server!.endpoint)).toBe(true);
    expect(location).toMatch(/X-Amz-Signature=/);
    const bytes = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(bytes.length).toBe(output!.bytes);
    expect(sha256(bytes)).toBe(output!.sha256);
    // The clip starts from the input image: its first frame is red.
    const { data } = await sharp(bytes, { page: 0 }).raw().toBuffer({ resolveWithObject: true });
    expect([data[0]! > 200, data[1]! < 60, data[2]! < 60]).toEqual([true, true, true]);

    const del = await apiFetch(`${stack.baseUrl}/v1/generations/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await stack.storage.get(`inputs/${id}/0.png`)).toBeUndefined();
    expect((await fetch(location)).status).toBe(404);
    expect((await apiFetch(`${stack.baseUrl}/v1/generations/${id}`)).status).toBe(404);
    expect((await fetch(output!.url, { redirect: 'manual' })).status).toBe(404);
    expect((await apiFetch(`${stack.baseUrl}/v1/generations/${id}`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe.skipIf(!temporalAddress)('input images and deletion over HTTP (local storage)', () => {
  let stack: Stack;
  let host: { url: string; server: Server };
  beforeAll(async () => {
    [stack, host] = await Promise.all([
      startStack({
        // intranet.test stands for a public-looking name whose DNS points inside the network.
        resolve: async (name) => (name === 'intranet.test' ? [{ address: '10.0.0.8', family: 4 }] : []),
      }),
      imageHost(),
    ]);
  });
  afterAll(async () => {
    host?.server.close();
    await stack?.stop();
  });

  const video = (inputImages: string[], durationSeconds = 1) => ({
    model: 'local/video',
    prompt: 'p',
    inputImages,
    parameters: { durationSeconds, width: 64, height: 64, fps: 2 },
  });

  it.each([
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['a private address in hex', 'http://0x0a000001/a.png', /10\.0\.0\.1 is a private address/],
    ['an ftp URL', 'ftp://example.com/a.png', /ftp:\/\/ URLs are not fetched/],
    ['a forged upload reference', 'genflow-upload:uploads/00000000-0000-4000-8000-000000000000/0', /genflow-upload:\/\/ URLs are not fetched/],
    ['a data URL that is not an image', `data:image/png;base64,${Buffer.from('%PDF-1.7 not an image').toString('base64')}`, /not a recognised image/],
  ])('answers 422 INPUT_FETCH_FAILED at once for %s', async (_name, url, reason) => {
    const res = await postJson(`${stack.baseUrl}/v1/generations`, video([url]));
    expect(res.status).toBe(422);
    const error = res.body.error as { code: string; message: string };
    expect(error.code).toBe('INPUT_FETCH_FAILED');
    expect(error.message).toMatch(reason);
  });

  it('fails the generation with INPUT_FETCH_FAILED when a name resolves to a private address', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, video(['https://intranet.test/a.png']));
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('INPUT_FETCH_FAILED');
    expect(done.error?.message).toMatch(/input image 1: refused https:\/\/intranet\.test: 10\.0\.0\.8 is a private address \(intranet\.test resolves to it\)/);
  });

  it('fails the generation when the "image" is an HTML page served as image/png', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, video([`${host.url}/cat.png`]));
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.error?.code).toBe('INPUT_FETCH_FAILED');
    expect(done.error?.message).toMatch(/not a recognised image format although it was declared as image\/png/);
  });

  it('refuses to delete a running generation (409), deletes it once canceled (204) and removes its files', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, video([`${host.url}/red.png`], 30));
    const id = submit.body.id as string;
    await waitForGeneration(stack.baseUrl, id, (g) => g.status === 'running');
    const busy = await apiFetch(`${stack.baseUrl}/v1/generations/${id}`, { method: 'DELETE' });
    expect(busy.status).toBe(409);
    const { error } = (await busy.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/still running/);
    // The prepared input is on disk by the time the job runs.
    const inputFile = join(stack.home, 'media', 'inputs', id, '0.png');
    await waitForGeneration(stack.baseUrl, id, () => existsSync(inputFile));
    await stack.client.workflow.getHandle(generationWorkflowId(id)).cancel();
    await waitForGeneration(stack.baseUrl, id, (g) => g.status === 'canceled');
    expect((await apiFetch(`${stack.baseUrl}/v1/generations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(join(stack.home, 'media', 'inputs', id))).toBe(false);
    expect((await apiFetch(`${stack.baseUrl}/v1/generations/${id}`)).status).toBe(404);
  });

  it('accepts a multipart upload: form fields plus an image file, run through the same pipeline', async () => {
    const green = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#00ff00' } }).jpeg().toBuffer();
    const form = new FormData();
    form.append('model', 'local/video');
    form.append('prompt', 'a green field');
    form.append('parameters', JSON.stringify({ durationSeconds: 1, width: 64, height: 64, fps: 2 }));
    form.append('inputImages', new Blob([green], { type: 'image/jpeg' }), 'field.jpg');
    const res = await apiFetch(`${stack.baseUrl}/v1/generations`, { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { id: string }).id;
    const done = await waitForGeneration(stack.baseUrl, id);
    expect(done.status).toBe('succeeded');
    // The standard preset keeps JPEG as JPEG.
    expect(existsSync(join(stack.home, 'media', 'inputs', id, '0.jpg'))).toBe(true);
    // The upload is kept in storage; the row (and the workflow input) carry only a reference.
    expect((await stack.repo.findById(id))?.input_images).toEqual([`genflow-upload:uploads/${id}/0`]);
    expect(existsSync(join(stack.home, 'media', 'uploads', id, '0'))).toBe(true);
    const clip = Buffer.from(await (await fetch(done.outputs[0]!.url)).arrayBuffer());
    const { data } = await sharp(clip, { page: 0 }).raw().toBuffer({ resolveWithObject: true });
    expect([data[0]! < 60, data[1]! > 200, data[2]! < 60]).toEqual([true, true, true]);

    const text = new FormData();
    text.append('model', 'local/video');
    text.append('prompt', 'p');
    text.append('inputImages', new Blob(['just some text'], { type: 'image/png' }), 'fake.png');
    const refused = await apiFetch(`${stack.baseUrl}/v1/generations`, { method: 'POST', body: text });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error.message).toMatch(/inputImages\[0\]: the data URL's bytes are not a recognised image/);

    const big = new FormData();
    big.append('model', 'local/video');
    big.append('prompt', 'p');
    big.append('inputImages', new Blob([Buffer.alloc(2 * 1024 * 1024)]), 'huge.png');
    const tooLarge = await apiFetch(`${stack.baseUrl}/v1/generations`, { method: 'POST', body: big });
    expect(tooLarge.status).toBe(413); // the stack's body limit is 1 MB

    expect((await apiFetch(`${stack.baseUrl}/v1/generations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(join(stack.home, 'media', 'uploads', id))).toBe(false);
  });

  it('deletes a finished generation with its outputs on disk', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'p', parameters: { width: 64, height: 64 } });
    const id = submit.body.id as string;
    const done = await waitForGeneration(stack.baseUrl, id);
    expect(done.status).toBe('succeeded');
    expect(existsSync(join(stack.home, 'media', 'generations', id, '0.png'))).toBe(true);
    expect((await apiFetch(`${stack.baseUrl}/v1/generations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(join(stack.home, 'media', 'generations', id))).toBe(false);
    expect((await fetch(done.outputs[0]!.url)).status).toBe(404);
  });
});
