import { envNumber, figure, machine, printResult, saveResult, summary, type BenchResult } from './lib';
import { startBenchStack, submit, generationResult } from './stack';

/**
 * End-to-end time of one generation with the instant local provider (submit over HTTP →
 * workflow result), one at a time, against a bare workflow with one no-op activity.
 */
export async function run(): Promise<BenchResult> {
  const n = envNumber('BENCH_ORCHESTRATION_N', 40);
  const stack = await startBenchStack();
  const gen: number[] = [];
  const bare: number[] = [];
  try {
    const body = { model: 'local/image', prompt: 'orchestration', parameters: { width: 64, height: 64 } };
    for (let i = 0; i < n + 5; i++) {
      const t0 = performance.now();
      const id = await submit(stack.baseUrl, body);
      await generationResult(stack.client, id);
      const t1 = performance.now();
      await stack.client.workflow.execute('noopWorkflow', { taskQueue: stack.noopQueue, workflowId: `noop-${i}-${Date.now()}` });
      const t2 = performance.now();
      if (i >= 5) {
        gen.push(t1 - t0);
        bare.push(t2 - t1);
      }
    }
  } finally {
    await stack.stop();
  }
  const g = summary(gen);
  const b = summary(bare);
  return {
    bench: 'orchestration-overhead',
    machine: machine(),
    parameters: { generations: n, model: 'local/image 64x64', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    figures: [
      figure('end-to-end p50', 'ms', g.p50, 'bare workflow + 1 no-op activity', b.p50, '≤ 2×'),
      figure('end-to-end p99', 'ms', g.p99, 'bare workflow + 1 no-op activity', b.p99),
    ],
    notes: ['genflow runs 3 activities (record running, submit+store, finish) with database writes and renders a 64×64 PNG; the baseline runs 1'],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  printResult(result);
  saveResult(result);
  process.exit(0);
}
