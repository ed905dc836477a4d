import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface MultipartTarget {
  Bucket: string;
  Key: string;
  ContentType: string;
}

/**
 * Streams `body` into one S3 object through a fixed pool of `queueSize + 1` part buffers: up to
 * `queueSize` parts upload in parallel while the next one fills. Incoming chunks are copied into
 * the pooled buffers and dropped at once, so memory stays at about partSize × (queueSize + 1)
 * whatever the object's size. (lib-storage concatenates each part into a fresh buffer and keeps
 * the chunks until then; on a 1 GiB upload the allocator churn cost ~3× the parts' own size in
 * RSS — see README, Performance.)
 * A body shorter than one part goes up in a single PutObject. On any failure the multipart
 * upload is aborted, so no half object and no orphaned parts are left.
 */
export async function uploadStream(
  client: S3Client,
  target: MultipartTarget,
  body: Readable,
  options: { partSize: number; queueSize: number },
): Promise<void> {
  const { partSize, queueSize } = options;
  const free: Buffer[] = [];
  const take = () => free.pop() ?? Buffer.allocUnsafeSlow(partSize);
  let current = take();
  let filled = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  // A part's failure is kept here rather than left as a rejected promise nobody awaits yet
  // (which would crash the process); the loop checks it between chunks.
  let failure: Error | undefined;
  const check = () => {
    if (failure) throw failure;
  };

  const send = (buffer: Buffer, length: number, partNumber: number) => {
    const done: Promise<void> = client
      .send(new UploadPartCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, PartNumber: partNumber, Body: buffer.subarray(0, length) }))
      .then((res) => {
        if (!res.ETag) throw new Error(`S3 answered part ${partNumber} without an ETag`);
        parts.push({ PartNumber: partNumber, ETag: res.ETag, ...(res.ChecksumCRC32 ? { ChecksumCRC32: res.ChecksumCRC32 } : {}) });
        free.push(buffer);
      })
      .catch((err: unknown) => {
        failure ??= err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  try {
    let partNumber = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      check();
      let offset = 0;
      while (offset < chunk.length) {
        const n = chunk.copy(current, filled, offset, Math.min(chunk.length, offset + partSize - filled));
        filled += n;
        offset += n;
        if (filled < partSize) continue;
        // A full part: start the multipart upload on the first one, then wait for a free slot.
        uploadId ??= await create(client, target);
        while (inFlight.size >= queueSize) await Promise.race(inFlight);
        check();
        send(current, filled, ++partNumber);
        current = take();
        filled = 0;
      }
    }
    if (!uploadId) {
      await client.send(new PutObjectCommand({ ...target, Body: current.subarray(0, filled) }));
      return;
    }
    if (filled > 0) send(current, filled, ++partNumber);
    await Promise.all(inFlight);
    check();
    parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
    await client.send(new CompleteMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
  } catch (err) {
    // Let the parts still uploading settle first, or the abort could race them.
    await Promise.allSettled(inFlight);
    if (uploadId) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId })).catch(() => undefined);
    }
    throw err;
  }
}

async function create(client: S3Client, target: MultipartTarget): Promise<string> {
  // As lib-storage does: when the client checksums requests (the SDK's default), the upload
  // declares CRC32, so S3 verifies each part and the parts' checksums go into Complete.
  const checksummed = (await client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED';
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ ...target, ...(checksummed ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}) }),
  );
  if (!UploadId) throw new Error('S3 answered CreateMultipartUpload without an UploadId');
  return UploadId;
}
