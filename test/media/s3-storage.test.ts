import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3Storage } from '../../media/storage/s3';
import { s3Server, testS3Storage } from '../support/s3';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Against the run's real SeaweedFS S3 gateway, with SigV4-signed requests. */
describe.skipIf(!s3Server)('S3 storage driver (SeaweedFS)', () => {
  it('streams a multipart upload and reads back the same bytes, sha256 and size', async () => {
    const storage = testS3Storage({ partSize: 5 * 1024 * 1024, queueSize: 2 });
    const data = randomBytes(12 * 1024 * 1024 + 123); // three parts
    // Delivered in small chunks, as a provider's HTTP body would be.
    const source = Readable.from((function* () {
      for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
    })());
    const put = await storage.put('generations/g1/0.bin', source, 'application/octet-stream');
    expect(put).toEqual({ bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    const object = await storage.get('generations/g1/0.bin');
    expect(object?.bytes).toBe(data.length);
    expect((await readAll(object!.stream)).equals(data)).toBe(true);
  });

  it('stores bodies of exactly one part, several whole parts and under one part byte for byte', async () => {
    const part = 5 * 1024 * 1024;
    const storage = testS3Storage({ partSize: part, queueSize: 2 });
    for (const [i, size] of [part, 3 * part, 1000].entries()) {
      const data = randomBytes(size);
      const source = Readable.from((function* () {
        for (let o = 0; o < data.length; o += 100_000) yield data.subarray(o, o + 100_000);
      })());
      await storage.put(`generations/g5/${i}.bin`, source, 'application/octet-stream');
      const object = await storage.get(`generations/g5/${i}.bin`);
      expect(object?.bytes).toBe(size);
      expect((await readAll(object!.stream)).equals(data)).toBe(true);
    }
  });

  it('a source that fails after two parts leaves no object and no unfinished multipart upload', async () => {
    const storage = testS3Storage({ partSize: 5 * 1024 * 1024, queueSize: 2 });
    const source = Readable.from((async function* () {
      for (let i = 0; i < 180; i++) yield randomBytes(64 * 1024); // ~11 MiB: two parts sent
      throw new Error('provider connection reset');
    })());
    await expect(storage.put('generations/g6/0.bin', source, 'video/mp4')).rejects.toThrow('provider connection reset');
    expect(await storage.get('generations/g6/0.bin')).toBeUndefined();
    const open = await storage.client.send(new ListMultipartUploadsCommand({ Bucket: s3Server!.bucket }));
    expect((open.Uploads ?? []).filter((u) => u.Key?.endsWith('generations/g6/0.bin'))).toEqual([]);
  });

  it('hands out a presigned URL that works without credentials and expires', async () => {
    const storage = testS3Storage({ presignSeconds: 60 });
    await storage.put('generations/g2/0.png', Buffer.from('png bytes'), 'image/png');
    const url = await storage.presignGet('generations/g2/0.png', { contentType: 'image/png' });
    expect(url).toMatch(/X-Amz-Expires=60/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(await res.text()).toBe('png bytes');
    // The same URL with the signature tampered with is refused.
    const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('deletes one object and a whole generation folder', async () => {
    const storage = testS3Storage();
    for (const key of ['generations/g3/0.png', 'generations/g3/1.png', 'inputs/g3/0.jpg', 'generations/g4/0.png']) {
      await storage.put(key, Buffer.from(key), 'application/octet-stream');
    }
    await storage.delete('inputs/g3/0.jpg');
    expect(await storage.get('inputs/g3/0.jpg')).toBeUndefined();
    expect(await storage.deletePrefix('generations/g3/')).toBe(2);
    expect(await storage.get('generations/g3/0.png')).toBeUndefined();
    expect(await storage.get('generations/g4/0.png')).toBeDefined();
  });

  it('refuses wrong credentials with a clear error, and pings a reachable bucket', async () => {
    await expect(testS3Storage().ping()).resolves.toBeUndefined();
    const wrong = new S3Storage({
      bucket: s3Server!.bucket,
      region: s3Server!.region,
      endpoint: s3Server!.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3Server!.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    await expect(wrong.put('x', Buffer.from('x'), 'text/plain')).rejects.toThrow(/signature|denied|forbidden/i);
  });
});
