import { envNumber, figure, machine, printResult, saveResult, type BenchResult } from './lib';
import { startBenchStack, submit, type BenchStack, generationResult } from './stack';

/** Keeps `inFlight` jobs running for `seconds`; returns completions per second. */
async function sustain(seconds: number, inFlight: number, one: () => Promise<void>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await one();
        done++;
      }
    }),
  );
  return done / seconds;
}

export async function run(): Promise<BenchResult> {
  const seconds = envNumber('BENCH_THROUGHPUT_SECONDS', 60);
  const inFlight = envNumber('BENCH_THROUGHPUT_IN_FLIGHT', 50);
  const stack: BenchStack = await startBenchStack();
  let gen: number;
  let bare: number;
  let seq = 0;
  try {
    const body = { model: 'local/image', prompt: 'throughput', parameters: { width: 64, height: 64 } };
    gen = await sustain(seconds, inFlight, async () => {
      const id = await submit(stack.baseUrl, body);
      await generationResult(stack.client, id);
    });
    bare = await sustain(seconds, inFlight, async () => {
      await stack.client.workflow.execute('noopWorkflow', { taskQueue: stack.noopQueue, workflowId: `noop-${seq++}-${Date.now()}` });
    });
  } finally {
    await stack.stop();
  }
  return {
    bench: 'throughput',
    machine: machine(),
    parameters: { seconds, inFlight, model: 'local/image 64x64', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    figures: [figure('generations completed', 'per s', gen, 'bare workflow + 1 no-op activity', bare, '≥ 50%')],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  printResult(result);
  saveResult(result);
  process.exit(0);
}
