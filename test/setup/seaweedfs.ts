import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { freeLoopbackPort } from '../../runtime/free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface S3TestServer {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

/**
 * Starts `weed server` (master + volume + filer + S3 gateway) on loopback with free ports and
 * a static identity, so the AWS SDK's SigV4 signing is checked for real. Every port is chosen
 * explicitly: SeaweedFS otherwise derives gRPC ports as port+10000 and opens fixed extra
 * ports (Iceberg 8181, Lance 9101) that would collide with other runs on a shared machine.
 */
export async function startSeaweedFs(weed: string): Promise<{ server: S3TestServer; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'genflow-weed-'));
  const server: S3TestServer = {
    endpoint: '',
    region: 'us-east-1',
    accessKeyId: 'genflow-test',
    secretAccessKey: 'genflow-test-secret',
    bucket: 'genflow-test',
  };
  writeFileSync(
    join(dir, 's3.json'),
    JSON.stringify({
      identities: [
        {
          name: 'genflow',
          credentials: [{ accessKey: server.accessKeyId, secretKey: server.secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
      ],
    }),
  );
  const ports: number[] = [];
  for (let i = 0; i < 8; i++) ports.push(await freeLoopbackPort());
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = ports as [number, number, number, number, number, number, number, number];
  const log = openSync(join(dir, 'weed.log'), 'a');
  const child: ChildProcess = spawn(
    weed,
    [
      'server',
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-dir=${dir}`,
      `-master.port=${master}`,
      `-master.port.grpc=${masterGrpc}`,
      '-master.volumeSizeLimitMB=256',
      `-volume.port=${volume}`,
      `-volume.port.grpc=${volumeGrpc}`,
      '-volume.max=20',
      '-filer',
      `-filer.port=${filer}`,
      `-filer.port.grpc=${filerGrpc}`,
      '-s3',
      `-s3.port=${s3}`,
      `-s3.port.grpc=${s3Grpc}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      `-s3.config=${join(dir, 's3.json')}`,
    ],
    { cwd: dir, stdio: ['ignore', log, log] },
  );
  server.endpoint = `http://127.0.0.1:${s3}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when the S3 gateway answers (403 to an unsigned request) and a bucket can be made.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`SeaweedFS exited with code ${child.exitCode} before it was ready`);
    }
    try {
      const res = await fetch(server.endpoint, { signal: AbortSignal.timeout(2_000) });
      if (res.status > 0) {
        await res.arrayBuffer();
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('SeaweedFS did not become ready within 60 s');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // The gateway answers before the filer and volume servers have joined; retry the bucket.
  const client = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    maxAttempts: 1,
  });
  try {
    for (;;) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: server.bucket }));
        break;
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') break;
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`SeaweedFS: creating the test bucket failed: ${String(err)}`, { cause: err });
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    client.destroy();
  }
  return { server, stop };
}
