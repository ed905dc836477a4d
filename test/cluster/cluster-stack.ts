import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { requireAll } from '../support/require-all';
import { TEST_ADMIN_KEY } from '../support/stack';

const ROOT = resolve('.');

export interface Cluster {
  /** host:port of the frontend. */
  address: string;
  ui: string;
  /** False when a cluster was already running (e.g. `npm run start:cluster`): the lane leaves it up. */
  startedHere: boolean;
  stateDir: string;
}

function run(command: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}

const stateDir = resolve(process.env.GENFLOW_CLUSTER_DIR ?? '.genflow/cluster');

function serverPid(): number | undefined {
  const file = resolve(stateDir, 'server.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
}

/** Runs scripts/start-cluster.sh (idempotent: a running cluster is reused), never building. */
export async function startCluster(): Promise<Cluster> {
  const runningBefore = serverPid() !== undefined;
  const { code, stdout, stderr } = await run('bash', ['scripts/start-cluster.sh'], { GENFLOW_CLUSTER_NO_BUILD: '1' }, 180_000);
  const address = /^TEMPORAL_ADDRESS=(.+)$/m.exec(stdout)?.[1];
  const ui = /^TEMPORAL_UI=(.+)$/m.exec(stdout)?.[1];
  if (code !== 0 || !address || !ui) throw new Error(`scripts/start-cluster.sh failed (exit ${code}):\n${stderr.slice(-3_000)}`);
  return { address, ui, startedHere: !runningBefore, stateDir };
}

/**
 * The cluster for the lane, or null (the lane skips) when it cannot start here — unless
 * GENFLOW_REQUIRE_ALL=1, where that fails the run.
 */
export async function clusterOrSkip(): Promise<Cluster | null> {
  try {
    return await startCluster();
  } catch (err) {
    if (requireAll()) throw err;
    console.warn(`cluster lane skipped: ${(err as Error).message.split('\n').slice(0, 6).join('\n')}`);
    return null;
  }
}

export async function stopCluster(): Promise<void> {
  await run('bash', ['scripts/stop-cluster.sh'], {}, 60_000);
}

/** SIGKILLs the Temporal server process (all four services): a crash, not a shutdown. */
export async function killTemporalServer(): Promise<void> {
  const pid = serverPid();
  if (pid === undefined) throw new Error('no temporal server running');
  process.kill(pid, 'SIGKILL');
  while (existsSync(`/proc/${pid}`)) await new Promise((r) => setTimeout(r, 50));
}

/**
 * A database of the lane's own, emptied each run: the processes under test share it, and no
 * other suite's rows (or provider leases) reach into the drills. Same server as DATABASE_URL,
 * else the machine's test Postgres (scripts/start-postgres.sh).
 */
export async function laneDatabase(name = 'genflow_cluster_lane'): Promise<string> {
  if (!process.env.DATABASE_URL) {
    const { code, stdout, stderr } = await run('bash', ['scripts/start-postgres.sh'], { PG_DB: name, PG_FRESH: '1' }, 120_000);
    const url = /DATABASE_URL=(\S+)/.exec(stdout)?.[1];
    if (code !== 0 || !url) throw new Error(`scripts/start-postgres.sh failed:\n${stderr.slice(-2_000)}`);
    return url;
  }
  const admin = new URL(process.env.DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface GenflowProcess {
  name: string;
  child: ChildProcess;
  /** The API's URL (API processes only). */
  baseUrl: string;
  /** The last lines the process wrote, for failure messages. */
  output(): string;
}

/**
 * `npm run start:api` / `start:worker` as real child processes (node --import tsx, so a SIGKILL
 * hits the process itself, not a tsx wrapper), ready once the API listens or the worker polls.
 */
export function startGenflowProcess(kind: 'api' | 'worker', name: string, env: Record<string, string>, timeoutMs = 120_000): Promise<GenflowProcess> {
  const entry = resolve(kind === 'api' ? 'api/main.ts' : 'workers/main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', GENFLOW_HEALTH_INTERVAL: '0', GENFLOW_RETENTION_DAYS: '0', GENFLOW_ADMIN_API_KEY: TEST_ADMIN_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  const ready = kind === 'api' ? /"port":(\d+)[^\n]*genflow API listening/ : /genflow worker running/;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
    let started = false;
    const onData = (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line.slice(0, 2_000));
        if (lines.length > 300) lines.shift();
        const match = started ? null : ready.exec(line);
        if (match) {
          started = true;
          clearTimeout(timer);
          resolvePromise({ name, child, baseUrl: kind === 'api' ? `http://127.0.0.1:${match[1]}` : '', output: () => lines.join('\n') });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`${name} exited early (${code ?? signal}):\n${lines.join('\n')}`));
    });
  });
}

export function stopProcess(p: GenflowProcess | undefined, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<void> {
  return new Promise((resolvePromise) => {
    if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return resolvePromise();
    const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
    p.child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    p.child.kill(signal);
  });
}
