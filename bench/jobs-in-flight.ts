import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { envList, envNumber, figure, machine, printResult, saveResult, sleep, summary, type BenchResult, type Figure } from './lib';
import { startBenchStack, submit, generationResult } from './stack';

const BACKOFF_CAP_MS = 60_000;
/** Started, 3 workflow-task events, 3 activity events, 3 workflow-task events, completed. */
const BARE_WORKFLOW_EVENTS = 11;

/**
 * N async generations waiting at the same time on a slow provider job (local/video, tiny
 * frames so rendering is not what is measured): worker RSS while they wait, Temporal history
 * events per job, and detection lag — provider job done → genflow `succeeded`.
 * On Postgres (DATABASE_URL) the worker runs as its own process, as deployed, and the figure is
 * that process's RSS; on PGlite everything shares this process and the figure covers it all.
 */
async function one(n: number, jobSeconds: number, maxCachedWorkflows: number | undefined, workerProcess: boolean) {
  const stack = await startBenchStack({ maxConcurrentActivities: 200, workerProcess, ...(maxCachedWorkflows !== undefined ? { maxCachedWorkflows } : {}) });
  try {
    const worker = stack.workerProcess;
    const rssNow = () => (worker ? worker.memory().rss : process.memoryUsage().rss);
    const rssBefore = rssNow();
    let rssPeak = rssBefore;
    // In-process: where the peak lives — the main JS heap, ArrayBuffers (PGlite's WASM memory,
    // sharp buffers), or neither (native: Temporal core, the workflow threads' own heaps).
    let atPeak = process.memoryUsage();
    const sampler = setInterval(() => {
      const rss = rssNow();
      if (rss > rssPeak) [rssPeak, atPeak] = [rss, process.memoryUsage()];
    }, 200);
    const body = { model: 'local/video', prompt: 'in flight', parameters: { durationSeconds: jobSeconds, width: 64, height: 64, fps: 1 } };
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < n) {
          next++;
          ids.push(await submit(stack.baseUrl, body));
        }
      }),
    );
    for (const id of ids) await generationResult(stack.client, id);
    clearInterval(sampler);

    const rows = await stack.db.db.selectFrom('generations').select(['id', 'provider_task_id', 'completed_at']).where('id', 'in', ids).execute();
    const jobsDir = join(stack.home, 'providers', 'local', 'local-jobs');
    const jobs = new Map(
      readdirSync(jobsDir).map((f) => {
        const job = JSON.parse(readFileSync(join(jobsDir, f), 'utf8')) as { taskId: string; createdAt: number; durationMs: number };
        return [job.taskId, job.createdAt + job.durationMs] as const;
      }),
    );
    const lags = rows.map((r) => new Date(r.completed_at!).getTime() - jobs.get(r.provider_task_id!)!);
    const sample = ids.slice(0, Math.min(20, ids.length));
    const events: number[] = [];
    for (const id of sample) events.push((await stack.client.workflow.getHandle(`gen_${id}`).fetchHistory()).events?.length ?? 0);
    const mib = (b: number) => Math.round(b / 2 ** 20);
    const peak = worker
      ? { workerRss: mib(rssPeak), workerVmHWM: mib(worker.memory().peak) }
      : { rss: mib(atPeak.rss), heapUsed: mib(atPeak.heapUsed), arrayBuffers: mib(atPeak.arrayBuffers), other: mib(atPeak.rss - atPeak.heapUsed - atPeak.arrayBuffers) };
    return { rssPeakMiB: rssPeak / 2 ** 20, rssGrowthMiB: (rssPeak - rssBefore) / 2 ** 20, rssIdleMiB: rssBefore / 2 ** 20, lag: summary(lags), events: summary(events), peak };
  } finally {
    await stack.stop();
  }
}

export async function run(): Promise<BenchResult> {
  const sizes = envList('BENCH_IN_FLIGHT', [100, 1000]);
  const jobSeconds = envNumber('BENCH_JOB_SECONDS', 60);
  // Unset: the SDK's default, sized from the heap limit (thousands of workflows on this machine).
  const maxCached = process.env.BENCH_MAX_CACHED_WORKFLOWS ? Number(process.env.BENCH_MAX_CACHED_WORKFLOWS) : undefined;
  const workerProcess = Boolean(process.env.DATABASE_URL);
  const figures: Figure[] = [];
  const peaks: string[] = [];
  for (const n of sizes) {
    const r = await one(n, jobSeconds, maxCached, workerProcess);
    peaks.push(`${n} in flight, at peak (MiB): ${JSON.stringify(r.peak)}`);
    if (workerProcess) {
      figures.push(figure(`worker RSS peak with ${n} in flight`, 'MiB', r.rssPeakMiB, 'RSS of the idle worker before', r.rssIdleMiB, n === 1000 ? '< 500 MB' : undefined));
    } else {
      figures.push(figure(`RSS growth with ${n} in flight`, 'MiB', r.rssGrowthMiB, 'RSS of the idle stack before', r.rssIdleMiB, n === 1000 ? '< 500 MB in all' : undefined));
    }
    figures.push(figure(`history events per job (${n})`, 'events', r.events.mean, 'a bare workflow with one activity', BARE_WORKFLOW_EVENTS));
    figures.push(figure(`detection lag p50 (${n})`, 'ms', r.lag.p50, 'backoff cap', BACKOFF_CAP_MS));
    figures.push(figure(`detection lag p99 (${n})`, 'ms', r.lag.p99, 'backoff cap', BACKOFF_CAP_MS));
    await sleep(1000);
  }
  return {
    bench: 'jobs-in-flight',
    machine: machine(),
    parameters: { inFlight: sizes, jobSeconds, maxCachedWorkflows: maxCached ?? 'SDK default', model: 'local/video 64x64 1 fps', backoff: '≥1 s doubling, cap 60 s', database: workerProcess ? 'postgres' : 'pglite', worker: workerProcess ? `own process, MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? 2}` : 'in this process' },
    figures,
    notes: [
      workerProcess
        ? 'the worker runs as its own process (workers/main.ts) on Postgres; RSS is that process (API and Temporal are elsewhere)'
        : 'API, worker, database and the local provider share one process here (PGlite), so RSS covers all of them; set DATABASE_URL for the worker alone',
      ...peaks,
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  printResult(result);
  saveResult(result);
  process.exit(0);
}
