#!/usr/bin/env -S node --import tsx
/**
 * `npm run start:cluster`: the production shape on one machine, without containers —
 * Postgres, a real Temporal cluster and its UI (scripts/start-cluster.sh), SeaweedFS as S3,
 * two API processes and two worker processes (`npm run start:api` / `start:worker` with their
 * env). A process that dies is started again; Ctrl-C stops everything this command started.
 *
 * Settings: GENFLOW_CLUSTER_API_PORTS (default `3000,3001`), GENFLOW_CLUSTER_WORKERS (2),
 * GENFLOW_CLUSTER_S3_PORT (18333), GENFLOW_ADMIN_API_KEY (else one is made and printed),
 * DATABASE_URL (else scripts/start-postgres.sh with database `genflow`), and everything the
 * API and worker read (README "Configuration"), passed through.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBinary } from '../runtime/binaries';
import { startSeaweedS3, type SeaweedS3 } from './cluster-seaweedfs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const home = resolve(process.env.GENFLOW_HOME ?? join(ROOT, '.genflow', 'cluster-stack'));
const apiPorts = (process.env.GENFLOW_CLUSTER_API_PORTS ?? '3000,3001').split(',').map((p) => Number(p.trim()));
const workerCount = Number(process.env.GENFLOW_CLUSTER_WORKERS ?? 2);
const say = (line: string) => process.stdout.write(`[cluster] ${line}\n`);

/** Runs a script of scripts/, its progress passed to stderr; answers its stdout. */
function script(name: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [join(ROOT, 'scripts', name)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      process.stderr.write(c);
    });
    child.on('exit', (code) => (code === 0 ? resolvePromise({ stdout, stderr }) : reject(new Error(`scripts/${name} exited with ${code}`))));
  });
}

const lastValue = (stdout: string, name: string): string | undefined => new RegExp(`^${name}=(.+)$`, 'm').exec(stdout)?.[1];

interface Managed {
  name: string;
  entry: string;
  env: Record<string, string>;
  child?: ChildProcess;
}

let stopping = false;
let failed = false;
const managed: Managed[] = [];

/** Starts (and on an unexpected exit restarts) one genflow process, its lines prefixed with its name. */
function launch(m: Managed, onLine?: (line: string) => void): void {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, m.entry)], { cwd: ROOT, env: { ...process.env, ...m.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  m.child = child;
  const log = createWriteStream(join(home, 'logs', `${m.name}.log`), { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (process.env.GENFLOW_CLUSTER_QUIET !== '1') process.stdout.write(`[${m.name}] ${line}\n`);
        onLine?.(line);
      }
    });
  }
  child.on('exit', (code, signal) => {
    log.end();
    if (stopping) return;
    say(`${m.name} exited (${code ?? signal}); starting it again in 2 s`);
    setTimeout(() => !stopping && launch(m), 2_000);
  });
}

/** Resolves once a line matches `ready` (the API listens, the worker polls). */
function launchAndWait(m: Managed, ready: RegExp, timeoutMs = 180_000): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${m.name} not ready after ${timeoutMs / 1000} s (log ${join(home, 'logs', `${m.name}.log`)})`)), timeoutMs);
    launch(m, (line) => {
      if (ready.test(line)) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
  });
}

async function main(): Promise<void> {
  mkdirSync(join(home, 'logs'), { recursive: true });
  const cleanups: Array<() => Promise<void>> = [];
  let stoppingSince = 0;
  const stopAll = async (signal: string) => {
    // npm and tsx relay the terminal's Ctrl-C, so one press arrives more than once: only a
    // second press, a moment later, means "now".
    if (stopping) {
      if (Date.now() - stoppingSince > 1_000) process.exit(130);
      return;
    }
    stopping = true;
    stoppingSince = Date.now();
    say(`${signal}: stopping`);
    await Promise.all(
      managed.map(
        (m) =>
          new Promise<void>((done) => {
            const child = m.child;
            if (!child || child.exitCode !== null || child.signalCode !== null) return done();
            const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => say(`cleanup failed: ${String(err)}`));
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await script('start-postgres.sh', { PG_DB: process.env.PG_DB ?? 'genflow' });
    databaseUrl = lastValue(pg.stdout, 'DATABASE_URL');
    // A server that was already running (shared, or started by you) is left running.
    if (!/already running/.test(pg.stderr)) cleanups.push(async () => void (await script('stop-postgres.sh')));
  }
  if (!databaseUrl) throw new Error('no DATABASE_URL from scripts/start-postgres.sh');

  const cluster = await script('start-cluster.sh');
  cleanups.push(async () => void (await script('stop-cluster.sh')));
  const temporalAddress = lastValue(cluster.stdout, 'TEMPORAL_ADDRESS')!;
  const temporalUi = lastValue(cluster.stdout, 'TEMPORAL_UI')!;

  const weed = resolveBinary('weed', 'WEED_PATH');
  if (!weed) throw new Error('no `weed` (SeaweedFS) found: scripts/setup-machine.sh installs it, or set WEED_PATH');
  const s3: SeaweedS3 = await startSeaweedS3(weed, join(home, 's3'), Number(process.env.GENFLOW_CLUSTER_S3_PORT ?? 18333));
  cleanups.push(() => s3.stop());

  const adminKey = process.env.GENFLOW_ADMIN_API_KEY || `gf_admin_${randomBytes(24).toString('base64url')}`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    // Shared by every process, as a volume would be (the local provider keeps its jobs there).
    GENFLOW_HOME: home,
    GENFLOW_ADMIN_API_KEY: adminKey,
    GENFLOW_STORAGE: 's3',
    GENFLOW_S3_BUCKET: s3.bucket,
    GENFLOW_S3_ENDPOINT: s3.endpoint,
    GENFLOW_S3_REGION: s3.region,
    GENFLOW_S3_FORCE_PATH_STYLE: 'true',
    GENFLOW_S3_ACCESS_KEY_ID: s3.accessKeyId,
    GENFLOW_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
  // The first worker migrates the database and builds the workflow bundle; the rest then start together.
  const workers = Array.from({ length: workerCount }, (_, i): Managed => ({ name: `worker-${i}`, entry: 'workers/main.ts', env }));
  const apis = apiPorts.map((port, i): Managed => ({ name: `api-${i}`, entry: 'api/main.ts', env: { ...env, PORT: String(port) } }));
  managed.push(...workers, ...apis);
  await launchAndWait(workers[0]!, /genflow worker running/);
  await Promise.all([...workers.slice(1).map((w) => launchAndWait(w, /genflow worker running/)), ...apis.map((a) => launchAndWait(a, /genflow API listening/))]);

  say('the production shape is running:');
  for (const port of apiPorts) say(`  genflow API    http://127.0.0.1:${port}`);
  say(`  Temporal UI    ${temporalUi}`);
  say(`  TEMPORAL_ADDRESS=${temporalAddress}   DATABASE_URL=${databaseUrl}`);
  say(`  S3 (SeaweedFS) ${s3.endpoint} bucket ${s3.bucket}`);
  say(`  workers        ${workerCount}   logs ${join(home, 'logs')}`);
  if (!process.env.GENFLOW_ADMIN_API_KEY) say(`  admin API key  ${adminKey}   (valid while this runs; set GENFLOW_ADMIN_API_KEY to keep one)`);
  say('Ctrl-C stops all of it.');
}

main().catch((err: unknown) => {
  say(`failed: ${(err as Error).message}`);
  failed = true;
  process.kill(process.pid, 'SIGTERM');
});
