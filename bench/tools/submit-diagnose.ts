/**
 * Where a submit's time goes: genflow's API (and its dispatcher) in this process, wrk (or autocannon) in
 * its own, and for the measured window only: process CPU per request, a CPU profile (inspector),
 * and the database statements per request with the time each waited for a pooled connection.
 * Usage: DATABASE_URL=… npx tsx bench/tools/submit-diagnose.ts [clients] [seconds] [out.cpuprofile]
 * BENCH_DIAG_NO_DISPATCH=1 stops the dispatcher for the window (the accept path alone).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { Client } from '@temporalio/client';
import { createWorkflowOutbox } from '../../runtime/workflow-outbox';
import { createApp } from '../../api/app';
import { closeServer, listen } from '../../api/server';
import { httpLoad } from '../lib';
import { benchHeaders, startBenchStack } from '../stack';

const clients = Number(process.argv[2] ?? 100);
const seconds = Number(process.argv[3] ?? 10);
const out = process.argv[4];

// Counted at the driver: every statement any part of this process sends, and its pool wait.
const stats = { queryMs: 0, queries: 0, byKind: new Map<string, number>(), waitMs: 0, checkouts: 0 };
// eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped and called with its own `this`
const poolConnect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function (this: pg.Pool, ...args: unknown[]) {
  const t0 = performance.now();
  const p = (poolConnect as (...a: unknown[]) => Promise<pg.PoolClient>).apply(this, args);
  if (args.length === 0) {
    void p.then(() => {
      stats.waitMs += performance.now() - t0;
      stats.checkouts++;
    }, () => undefined);
  }
  return p;
} as typeof pg.Pool.prototype.connect;
// eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped and called with its own `this`
const clientQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const q = args[0];
  const text = typeof q === 'string' ? q : (q as { text?: string })?.text ?? '';
  const kind = text.trim().split(/\s+/).slice(0, 3).join(' ').slice(0, 40);
  stats.queries++;
  stats.byKind.set(kind, (stats.byKind.get(kind) ?? 0) + 1);
  const t0 = performance.now();
  const r = (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
  if (r && typeof (r as Promise<unknown>).then === 'function') {
    void (r as Promise<unknown>).then(() => {
      stats.queryMs += performance.now() - t0;
    }, () => undefined);
  }
  return r;
} as typeof pg.Client.prototype.query;

const stack = await startBenchStack();
let outbox = stack.appDeps.outbox;
if (process.env.BENCH_DIAG_NATIVE) {
  // Starts through the Rust core's connection (the worker's) instead of grpc-js.
  await outbox.stop();
  outbox = createWorkflowOutbox({ db: stack.db.db, temporal: new Client({ connection: stack.env.nativeConnection }), logger: pino({ level: 'silent' }), settings: { maxBacklog: 1_000_000 } });
  outbox.start();
}
const api = await listen(createApp({ ...stack.appDeps, outbox, taskQueue: 'bench-unpolled' }), 0, '127.0.0.1');
const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1/generations`;
const body = JSON.stringify({ model: 'local/image', prompt: 'bench', parameters: { width: 64, height: 64 } });
await httpLoad(url, { connections: 4, seconds: 2, body, headers: benchHeaders });
if (process.env.BENCH_DIAG_NO_DISPATCH) await outbox.stop();

const session = new Session();
session.connect();
if (out) {
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
stats.queries = 0;
stats.queryMs = 0;
stats.byKind.clear();
stats.waitMs = 0;
stats.checkouts = 0;
// What the server's sessions wait on meanwhile (sampled every 50 ms from a connection of its own).
const waits = new Map<string, number>();
// CPU of the server's backends serving this database (this machine's /proc), first and last seen.
const backendCpu = new Map<number, { first: number; last: number }>();
function backendTicks(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
await watcher.connect();
let watching = true;
const watching$ = (async () => {
  while (watching) {
    const { rows } = await watcher.query<{ w: string; n: number }>(`select coalesce(wait_event_type || ':' || wait_event, state) as w, count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle' group by 1`);
    for (const r of rows) waits.set(r.w, (waits.get(r.w) ?? 0) + r.n);
    const { rows: backends } = await watcher.query<{ pid: number }>(`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
    for (const { pid } of backends) {
      const ticks = backendTicks(pid);
      if (ticks === undefined) continue;
      const seen = backendCpu.get(pid);
      backendCpu.set(pid, { first: seen?.first ?? ticks, last: ticks });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
})();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const run = await httpLoad(url, { connections: clients, seconds, body, headers: benchHeaders });
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
watching = false;
await watching$;
await watcher.end();
if (out) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
}
const n = run.ok + run.non2xx;
console.log(JSON.stringify({
  clients, perSecond: Math.round(run.perSecond), p50: run.p50, p99: run.p99, non2xx: run.non2xx, errors: run.errors,
  cpuMsPerRequest: +((cpu.user + cpu.system) / 1000 / n).toFixed(3),
  processCpuShare: +((cpu.user + cpu.system) / 1e6 / wall).toFixed(2),
  statementsPerRequest: +(stats.queries / n).toFixed(2),
  poolCheckoutsPerRequest: +(stats.checkouts / n).toFixed(2),
  poolWaitMsPerCheckout: +(stats.waitMs / Math.max(1, stats.checkouts)).toFixed(2),
  postgresCpuMsPerRequest: +(([...backendCpu.values()].reduce((a, b) => a + b.last - b.first, 0) * 10) / n).toFixed(3),
  queryMsPerStatement: +(stats.queryMs / Math.max(1, stats.queries)).toFixed(2),
  serverWaitSamples: Object.fromEntries([...waits].sort((a, b) => b[1] - a[1]).slice(0, 10)),
  statements: Object.fromEntries([...stats.byKind].sort((a, b) => b[1] - a[1])),
}, null, 1));
await closeServer(api);
if (process.env.BENCH_DIAG_NATIVE) await outbox.stop();
await stack.stop();
process.exit(0);
