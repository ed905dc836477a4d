import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface SeaweedS3 {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * SeaweedFS (`weed server`: master, volume, filer and S3 gateway) as the S3 of the one-machine
 * production shape, keeping its data in `dir` across starts. Credentials are made on the first
 * start and kept in `dir/s3.json`. Every port is explicit and on loopback: weed otherwise
 * derives gRPC ports as port+10000 and opens fixed extra ones (test/setup/seaweedfs.ts does
 * the same for the test runs).
 */
export async function startSeaweedS3(weed: string, dir: string, s3Port: number, bucket = 'genflow'): Promise<SeaweedS3> {
  mkdirSync(dir, { recursive: true });
  const identityFile = join(dir, 's3.json');
  if (!existsSync(identityFile)) {
    const credentials = [{ accessKey: 'genflow', secretKey: randomBytes(24).toString('base64url') }];
    writeFileSync(identityFile, JSON.stringify({ identities: [{ name: 'genflow', credentials, actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'] }] }), { mode: 0o600 });
  }
  const { accessKey, secretKey } = (JSON.parse(readFileSync(identityFile, 'utf8')) as { identities: Array<{ credentials: Array<{ accessKey: string; secretKey: string }> }> }).identities[0]!.credentials[0]!;
  const ports: number[] = [];
  for (let i = 0; i < 7; i++) ports.push(await freePort());
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3Grpc] = ports as [number, number, number, number, number, number, number];
  const log = openSync(join(dir, 'weed.log'), 'a');
  const child = spawn(
    weed,
    [
      'server', '-ip=127.0.0.1', '-ip.bind=127.0.0.1', `-dir=${dir}`,
      `-master.port=${master}`, `-master.port.grpc=${masterGrpc}`, '-master.volumeSizeLimitMB=256',
      `-volume.port=${volume}`, `-volume.port.grpc=${volumeGrpc}`, '-volume.max=20',
      '-filer', `-filer.port=${filer}`, `-filer.port.grpc=${filerGrpc}`,
      '-s3', `-s3.port=${s3Port}`, `-s3.port.grpc=${s3Grpc}`, '-s3.port.iceberg=0', '-s3.port.lance=0', `-s3.config=${identityFile}`,
    ],
    { cwd: dir, stdio: ['ignore', log, log] },
  );
  const endpoint = `http://127.0.0.1:${s3Port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  // Ready when a bucket can be made: the gateway answers before the filer and volume have joined.
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: accessKey, secretAccessKey: secretKey }, maxAttempts: 1 });
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`SeaweedFS exited with code ${child.exitCode} (log ${join(dir, 'weed.log')})`);
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        break;
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') break;
        if (Date.now() > deadline) throw new Error(`SeaweedFS not ready after 90 s: ${String(err)}`, { cause: err });
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  return { endpoint, region: 'us-east-1', bucket, accessKeyId: accessKey, secretAccessKey: secretKey, stop };
}
