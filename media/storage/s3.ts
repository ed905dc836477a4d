import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchKey,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { meteredSource } from './meter';
import { uploadStream } from './s3-multipart';
import type { PutResult, Storage, StoredObject } from './types';

export interface S3StorageOptions {
  bucket: string;
  /** Prepended to every key, e.g. `genflow/`; empty for the bucket's root. */
  prefix?: string;
  region: string;
  /** For S3-compatible servers (SeaweedFS, MinIO, R2); absent for AWS. */
  endpoint?: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`; most S3-compatible servers need it. */
  forcePathStyle?: boolean;
  /** Absent: the SDK's default chain (AWS_ACCESS_KEY_ID, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Lifetime of presigned GET URLs. */
  presignSeconds?: number;
  /** Multipart part size in bytes (S3's minimum is 5 MiB); memory use is about partSize × (queueSize + 1). */
  partSize?: number;
  /** Parts uploaded in parallel. */
  queueSize?: number;
}

export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
export const DEFAULT_QUEUE_SIZE = 4;

/**
 * S3 (or S3-compatible) storage. Uploads stream through a multipart upload with a fixed pool of
 * part buffers (s3-multipart.ts), so a multi-GiB video never sits in memory: `queueSize + 1`
 * parts of `partSize` bytes do.
 * The SDK's own retries are off (maxAttempts 1): Temporal retries the whole activity.
 */
export class S3Storage implements Storage {
  readonly kind = 's3';
  readonly client: S3Client;
  readonly partSize: number;
  readonly queueSize: number;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly presignSeconds: number;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ? options.prefix.replace(/^\/+/, '').replace(/\/*$/, '/') : '';
    this.presignSeconds = options.presignSeconds ?? 3600;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
    this.client = new S3Client({
      region: options.region,
      maxAttempts: 1,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  private objectKey(key: string): string {
    if (key.startsWith('/') || key.split('/').includes('..')) throw new Error(`invalid storage key: ${key}`);
    return this.prefix + key;
  }

  async put(key: string, body: Readable | Buffer, contentType: string): Promise<PutResult> {
    const { stream: meter, source, result } = meteredSource(body);
    source.once('error', (err) => meter.destroy(err));
    source.pipe(meter);
    await uploadStream(this.client, { Bucket: this.bucket, Key: this.objectKey(key), ContentType: contentType }, meter, {
      partSize: this.partSize,
      queueSize: this.queueSize,
    });
    return result();
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject returned no stream');
      return { stream: res.Body, bytes: res.ContentLength ?? 0 };
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.objectKey(prefix), ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) {
        await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
        deleted += keys.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }

  async presignGet(key: string, options: { contentType?: string; contentDisposition?: string } = {}): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ...(options.contentType ? { ResponseContentType: options.contentType } : {}),
      ...(options.contentDisposition ? { ResponseContentDisposition: options.contentDisposition } : {}),
    });
    return getSignedUrl(this.client, command, { expiresIn: this.presignSeconds });
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }
}
