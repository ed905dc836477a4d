import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './lib';

/**
 * Runs every bench script in its own process (so one's memory doesn't colour the next) and
 * gathers their results into bench/results/latest.json and latest.md.
 * `BENCH_ONLY=submit-latency,throughput` runs a subset; the others keep their last saved result,
 * shown with the date it was measured.
 */
const scripts: Array<[string, string]> = [
  ['submit-latency', 'bench/submit-latency.ts'],
  ['orchestration-overhead', 'bench/orchestration.ts'],
  ['throughput', 'bench/throughput.ts'],
  ['jobs-in-flight', 'bench/jobs-in-flight.ts'],
  ['search', 'bench/search.ts'],
  ['streaming', 'bench/streaming.ts'],
  ['preprocessing', 'bench/preprocessing.ts'],
  ['console', 'bench/console.ts'],
];
const only = process.env.BENCH_ONLY?.split(',');
const results: BenchResult[] = [];
for (const [name, script] of scripts) {
  if (!existsSync(script)) continue;
  const file = join('bench', 'results', `${name}.json`);
  if (only && !only.includes(name)) {
    if (existsSync(file)) results.push(JSON.parse(readFileSync(file, 'utf8')) as BenchResult);
    continue;
  }
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(file)) {
    process.stdout.write(`${name} failed (exit ${r.status})\n`);
    continue;
  }
  results.push(JSON.parse(readFileSync(file, 'utf8')) as BenchResult);
}

// A ratio over a zero baseline is saved as null (JSON has no NaN).
const num = (n: number | null, digits: number) => (n === null || !Number.isFinite(n) ? '—' : n.toFixed(digits));
const rows = results.flatMap((r) =>
  r.figures.map((f) => `| ${r.bench} | ${f.name} | ${num(f.value, 1)} ${f.unit} | ${f.baselineName}: ${num(f.baseline, 1)} | ${num(f.ratio, 2)} | ${f.target ?? ''} | ${r.date?.slice(0, 16) ?? ''} |`),
);
const md = ['| bench | figure | value | baseline | ratio | target | measured |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
writeFileSync(join('bench', 'results', 'latest.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
writeFileSync(join('bench', 'results', 'latest.md'), md + '\n');
process.stdout.write(`\n${md}\n`);
