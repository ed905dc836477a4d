import { mediaDirFor } from '../../db/connect';
import { ConfigError, type Config } from '../../domain/config';
import { LocalDiskStorage } from './local-disk';
import { S3Storage } from './s3';
import type { Storage } from './types';

/** The storage driver named by GENFLOW_STORAGE, configured from the environment. */
export function storageFromConfig(config: Config): Storage {
  if (config.GENFLOW_STORAGE === 'local') return new LocalDiskStorage(mediaDirFor(config.GENFLOW_HOME, config.GENFLOW_MEDIA_DIR));
  if (!config.GENFLOW_S3_BUCKET) throw new ConfigError('invalid configuration:\n  GENFLOW_S3_BUCKET: required when GENFLOW_STORAGE=s3');
  const keyId = config.GENFLOW_S3_ACCESS_KEY_ID;
  const secret = config.GENFLOW_S3_SECRET_ACCESS_KEY;
  if ((keyId === undefined) !== (secret === undefined)) {
    throw new ConfigError('invalid configuration:\n  GENFLOW_S3_ACCESS_KEY_ID and GENFLOW_S3_SECRET_ACCESS_KEY go together');
  }
  return new S3Storage({
    bucket: config.GENFLOW_S3_BUCKET,
    region: config.GENFLOW_S3_REGION,
    forcePathStyle: config.GENFLOW_S3_FORCE_PATH_STYLE,
    presignSeconds: config.GENFLOW_S3_PRESIGN_SECONDS,
    partSize: config.GENFLOW_S3_PART_SIZE_MB * 1024 * 1024,
    queueSize: config.GENFLOW_S3_QUEUE_SIZE,
    ...(config.GENFLOW_S3_PREFIX ? { prefix: config.GENFLOW_S3_PREFIX } : {}),
    ...(config.GENFLOW_S3_ENDPOINT ? { endpoint: config.GENFLOW_S3_ENDPOINT } : {}),
    // Without explicit keys the SDK's default chain applies (AWS_ACCESS_KEY_ID/…, profiles, roles).
    ...(keyId && secret ? { credentials: { accessKeyId: keyId, secretAccessKey: secret } } : {}),
  });
}
