import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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
