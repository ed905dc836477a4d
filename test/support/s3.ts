import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { S3Storage, type S3StorageOptions } from '../../media/storage/s3';

/** The run's SeaweedFS (started by the global setup), or null when `weed` is not installed. */
export const s3Server = inject('s3Server');

/** An S3Storage on the run's SeaweedFS under a prefix of its own, so tests never see each other's objects. */
export function testS3Storage(options: Partial<S3StorageOptions> = {}): S3Storage {
  if (!s3Server) throw new Error('no S3 server for this run');
  return new S3Storage({
    bucket: s3Server.bucket,
    region: s3Server.region,
    endpoint: s3Server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3Server.accessKeyId, secretAccessKey: s3Server.secretAccessKey },
    prefix: `test-${randomUUID()}/`,
    ...options,
  });
}
