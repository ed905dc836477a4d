import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenflowError } from '../../domain/errors';
import { parseConfig } from '../../domain/config';
import { storageFromConfig } from '../../media/storage/from-config';
import { LocalDiskStorage } from '../../media/storage/local-disk';
import type { Storage } from '../../media/storage/types';
import { storeOutputs } from '../../media/store-outputs';
import { s3Server, testS3Storage } from '../support/s3';

let server: Server;
let base = '';
let png: Buffer;
beforeAll(async () => {
  png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#123456' } }).png().toBuffer();
  server = createServer((req, res) => {
    // The provider mislabels its output: the type must come from the bytes.
    if (req.url === '/out.png') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(png);
    else if (req.url === '/broken') {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write(png);
      setTimeout(() => res.destroy(), 50); // connection lost mid-body
    } else if (req.url === '/expired') res.writeHead(403).end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const allow = { policy: { allowLoopback: true } };
async function failure(p: Promise<unknown>): Promise<GenflowError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(GenflowError);
  return err as GenflowError;
}

function suite(name: string, make: () => { storage: Storage; listKeys: () => Promise<string[]> | string[] }) {
  describe(`storeOutputs from provider URLs → ${name}`, () => {
    it('streams the output in, with the type sniffed from the bytes, sha256, size and dimensions', async () => {
      const { storage } = make();
      const [asset] = await storeOutputs(storage, 'g1', [{ type: 'url', url: `${base}/out.png` }], allow);
      expect(asset).toMatchObject({ index: 0, storageKey: 'generations/g1/0.png', contentType: 'image/png', bytes: png.length, width: 300, height: 200 });
      expect(asset?.sha256).toBe(createHash('sha256').update(png).digest('hex'));
      const stored = await storage.get('generations/g1/0.png');
      expect(Buffer.concat(await stored!.stream.toArray()).equals(png)).toBe(true);
    });

    it('refuses a provider URL on loopback by default (SSRF), as a non-retryable provider error', async () => {
      const { storage } = make();
      const err = await failure(storeOutputs(storage, 'g2', [{ type: 'url', url: `${base}/out.png` }]));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_ERROR', false]);
      expect(err.message).toMatch(/output URL was refused: .*127\.0\.0\.1 is a loopback address/);
    });

    it('an expired URL fails without retry; a connection lost mid-body is retryable and leaves no object', async () => {
      const { storage, listKeys } = make();
      const expired = await failure(storeOutputs(storage, 'g3', [{ type: 'url', url: `${base}/expired` }], allow));
      expect([expired.code, expired.retryable]).toEqual(['PROVIDER_ERROR', false]);
      expect(expired.message).toMatch(/HTTP 403/);
      const broken = await failure(storeOutputs(storage, 'g3', [{ type: 'url', url: `${base}/broken` }], allow));
      expect(broken.retryable).toBe(true);
      expect(await storage.get('generations/g3/0.png')).toBeUndefined();
      expect(await listKeys()).toEqual([]);
    });

    it('caps an output that is larger than allowed', async () => {
      const { storage } = make();
      const err = await failure(storeOutputs(storage, 'g4', [{ type: 'url', url: `${base}/out.png` }], { ...allow, maxBytes: 100 }));
      expect(err.code).toBe('PROVIDER_ERROR');
      expect(err.message).toMatch(/too large/);
    });
  });
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
suite('local disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genflow-store-'));
  dirs.push(dir);
  return {
    storage: new LocalDiskStorage(dir),
    listKeys: () => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name),
  };
});
if (s3Server) {
  suite('S3 (SeaweedFS)', () => {
    const storage = testS3Storage({ partSize: 5 * 1024 * 1024 });
    return {
      storage,
      listKeys: async () => {
        const { ListObjectsV2Command, ListMultipartUploadsCommand } = await import('@aws-sdk/client-s3');
        const objects = await storage.client.send(new ListObjectsV2Command({ Bucket: s3Server!.bucket, Prefix: '' }));
        const uploads = await storage.client.send(new ListMultipartUploadsCommand({ Bucket: s3Server!.bucket }));
        const mine = (k?: string) => k?.includes('/generations/g3/') ?? false;
        return [...(objects.Contents ?? []).map((o) => o.Key).filter(mine), ...(uploads.Uploads ?? []).map((u) => u.Key).filter(mine)] as string[];
      },
    };
  });
}

describe('storage settings', () => {
  it('picks S3 from GENFLOW_STORAGE and names what is missing', () => {
    expect(() => storageFromConfig(parseConfig({ GENFLOW_STORAGE: 's3' }))).toThrow(/GENFLOW_S3_BUCKET: required when GENFLOW_STORAGE=s3/);
    expect(() => storageFromConfig(parseConfig({ GENFLOW_STORAGE: 's3', GENFLOW_S3_BUCKET: 'b', GENFLOW_S3_ACCESS_KEY_ID: 'k' }))).toThrow(/go together/);
    expect(() => parseConfig({ GENFLOW_STORAGE: 'ftp' })).toThrow(/GENFLOW_STORAGE/);
    const s3 = storageFromConfig(parseConfig({ GENFLOW_STORAGE: 's3', GENFLOW_S3_BUCKET: 'b', GENFLOW_S3_PART_SIZE_MB: '16', GENFLOW_S3_QUEUE_SIZE: '2' }));
    expect(s3).toMatchObject({ kind: 's3', partSize: 16 * 1024 * 1024, queueSize: 2 });
    expect(storageFromConfig(parseConfig({})).kind).toBe('local');
  });
});
