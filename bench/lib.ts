import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { resolveBinary } from '../runtime/binaries';

export interface Figure {
  name: string;
  unit: string;
  value: number;
  baseline: number;
  baselineName: string;
  /** value / baseline; for "lower is better" figures a ratio ≤ target is good. */
  ratio: number;
  target?: string;
}

export interface BenchResult {
  bench: string;
  /** When it was measured (ISO 8601); set by saveResult. */
  date?: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; platform: string; versions?: Record<string, string> };
  parameters: Record<string, unknown>;
  figures: Figure[];
  notes?: string[];
}

export function machine(): BenchResult['machine'] {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    versions: versions(),
  };
}

export function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'absent';
  }
}

/** `<binary> <args>` (e.g. `--version`) of a binary found as resolveBinary finds it, or 'absent'. */
export function binaryVersion(name: Parameters<typeof resolveBinary>[0], envVar: string, args: string[]): string {
  const path = resolveBinary(name, envVar);
  try {
    return path ? execFileSync(path, args, { encoding: 'utf8' }).trim() : 'absent';
  } catch {
    return 'absent';
  }
}

/** Versions of what the figures depend on: the Temporal SDK and server, the database and sharp. */
function versions(): Record<string, string> {
  return {
    '@temporalio/worker': packageVersion('@temporalio/worker'),
    temporal: binaryVersion('temporal', 'TEMPORAL_CLI_PATH', ['--version']),
    database: process.env.DATABASE_URL ? 'postgres (DATABASE_URL)' : `pglite ${packageVersion('@electric-sql/pglite')}`,
    sharp: packageVersion('sharp'),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summary(samples: number[]): { p50: number; p95: number; p99: number; mean: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), mean, n: s.length };
}

export function figure(name: string, unit: string, value: number, baselineName: string, baseline: number, target?: string): Figure {
  return { name, unit, value, baseline, baselineName, ratio: baseline === 0 ? NaN : value / baseline, ...(target ? { target } : {}) };
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function printResult(result: BenchResult): void {
  const lines = [
    `# ${result.bench}`,
    `machine: ${result.machine.cores} cores (${result.machine.cpu}), ${result.machine.memoryGiB} GiB, node ${result.machine.node}`,
    ...(result.machine.versions ? [`versions: ${JSON.stringify(result.machine.versions)}`] : []),
    `parameters: ${JSON.stringify(result.parameters)}`,
    ...result.figures.map(
      (f) => `  ${f.name}: ${fmt(f.value)} ${f.unit}  | baseline (${f.baselineName}): ${fmt(f.baseline)} ${f.unit}  | ratio ${fmt(f.ratio)}${f.target ? `  | target ${f.target}` : ''}`,
    ),
    ...(result.notes ?? []).map((n) => `  note: ${n}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** Each bench script writes its result here so `npm run bench` can gather them. */
export function saveResult(result: BenchResult): void {
  const dir = join('bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.bench}.json`), JSON.stringify({ ...result, date: new Date().toISOString() }, null, 2));
}

export function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export function envList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  return raw.split(',').map(Number).filter((n) => Number.isFinite(n) && n > 0);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A child process's output parsed as JSON (its last non-empty line); fails on a non-zero exit. Node runs `args` unless `command` names another program. */
export function runJsonChild<T>(args: string[], env: Record<string, string> = {}, command = process.execPath): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${out.slice(-500)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${args.join(' ')} printed no JSON: ${out.slice(-500)}`));
      }
    });
  });
}

/** A server in a process of its own that prints {"port"} when it listens. */
export async function startChildServer(script: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    void exited.then(() => reject(new Error(`${script} exited before it listened`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface LoadRun {
  p50: number;
  p99: number;
  /** 2xx answers per second over the run. */
  perSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  connections: number;
  seconds?: number;
  /** Stop after this many requests (always with autocannon: wrk runs for a time). */
  amount?: number;
  body: string;
  headers: Record<string, string>;
  /** Default: the first of loadGenerators(). */
  generator?: LoadGenerator;
}

export type LoadGenerator = 'wrk' | 'autocannon';

/**
 * The HTTP load generators this machine has: autocannon (a devDependency, Node) always, and wrk
 * (C, a fraction of autocannon's CPU on the same cores) when on PATH. They see genflow's tail
 * differently (README Performance), so the submit bench reports each.
 * `BENCH_LOAD=wrk` or `=autocannon` picks one. Looked for once per process.
 */
let generators: LoadGenerator[] | undefined;
export function loadGenerators(): LoadGenerator[] {
  if (generators) return generators;
  const only = process.env.BENCH_LOAD;
  let wrk = only !== 'autocannon';
  if (wrk) {
    try {
      execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    } catch (e) {
      // wrk prints its version and exits 1; only a missing binary is ENOENT.
      wrk = (e as NodeJS.ErrnoException).code !== 'ENOENT';
      if (!wrk && only === 'wrk') throw new Error('BENCH_LOAD=wrk but wrk is not on PATH (scripts/setup-machine.sh installs it)', { cause: e });
    }
  }
  generators = only === 'wrk' ? ['wrk'] : wrk ? ['wrk', 'autocannon'] : ['autocannon'];
  return generators;
}

/**
 * HTTP load in a process of its own, so the client's work is never counted as the server's:
 * `connections` concurrent clients, one request in flight each, for `seconds` (or, with
 * autocannon, until `amount` requests were made).
 */
export function httpLoad(url: string, options: LoadOptions): Promise<LoadRun> {
  const generator = options.generator ?? loadGenerators()[0];
  return options.amount || generator === 'autocannon' ? autocannon(url, options) : wrk(url, options);
}

async function autocannon(url: string, options: LoadOptions): Promise<LoadRun> {
  const bin = join('node_modules', 'autocannon', 'autocannon.js');
  const args = [
    bin,
    '--json',
    '-c', String(options.connections),
    ...(options.amount ? ['-a', String(options.amount)] : ['-d', String(options.seconds ?? 10)]),
    '-m', 'POST',
    '-b', options.body,
    ...Object.entries(options.headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]),
    url,
  ];
  const r = await runJsonChild<{ latency: { p50: number; p99: number }; duration: number; '2xx': number; non2xx: number; errors: number; timeouts: number }>(args);
  return { p50: r.latency.p50, p99: r.latency.p99, perSecond: r['2xx'] / r.duration, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors + r.timeouts };
}

/** `text` as a quoted Lua string (wrk's scripts are Lua). */
function luaString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** wrk with one thread: its script sets the POST and prints the figures as JSON when done. */
async function wrk(url: string, options: LoadOptions): Promise<LoadRun> {
  const dir = mkdtempSync(join(tmpdir(), 'genflow-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(
    script,
    [
      'wrk.method = "POST"',
      `wrk.body = ${luaString(options.body)}`,
      ...Object.entries(options.headers).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`),
      // Times in microseconds; errors.status counts answers outside 2xx/3xx.
      'function done(s, latency)',
      '  io.write(string.format(\'{"p50":%d,"p99":%d,"requests":%d,"durationUs":%d,"status":%d,"socket":%d}\\n\',',
      '    latency:percentile(50), latency:percentile(99), s.requests, s.duration, s.errors.status,',
      '    s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout))',
      'end',
    ].join('\n'),
  );
  try {
    // done() prints after wrk's own summary: its line is the last.
    const args = ['-t', '1', '-c', String(options.connections), '-d', `${options.seconds ?? 10}s`, '--timeout', '30s', '-s', script, url];
    const r = await runJsonChild<{ p50: number; p99: number; requests: number; durationUs: number; status: number; socket: number }>(args, {}, 'wrk');
    const ok = r.requests - r.status;
    return { p50: r.p50 / 1000, p99: r.p99 / 1000, perSecond: ok / (r.durationUs / 1e6), ok, non2xx: r.status, errors: r.socket };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
