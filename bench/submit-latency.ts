import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app';
import { closeServer, listen } from '../api/server';
import { createOutboxRepo } from '../db/outbox-repo';
import { GenflowSearchAttributes } from '../domain/search-attributes';
import { httpLoad, loadGenerators, envList, envNumber, figure, machine, printResult, runJsonChild, saveResult, sleep, startChildServer, type BenchResult, type Figure } from './lib';
import { benchHeaders, startBenchStack } from './stack';

/** No worker polls it: workflows start and wait, so only the submit and the start are measured. */
const UNPOLLED = 'bench-unpolled';

/**
 * The submit path, measured from outside: wrk and autocannon in turn (each its own process;
 * autocannon alone where wrk is missing) load genflow's
 * `POST /v1/generations` (this process: API + outbox dispatcher, Temporal dev server and
 * database apart) and, in the same run, a bare Express route in a process of its own. Then the
 * rate at which the dispatcher starts workflows from a filled outbox, against a bare Temporal
 * client (its own process) starting workflows on the same server with the same concurrency.
 */
export async function run(): Promise<BenchResult> {
  const levels = envList('BENCH_CLIENTS', [1, 100]);
  const generators = loadGenerators();
  const seconds = envNumber('BENCH_SUBMIT_SECONDS', 10);
  const startN = envNumber('BENCH_START_N', 2_000);
  const stack = await startBenchStack();
  const outbox = stack.appDeps.outbox;
  const api = await listen(createApp({ ...stack.appDeps, taskQueue: UNPOLLED }), 0, '127.0.0.1');
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1/generations`;
  const bare = await startChildServer('bench/tools/bare-express.mjs');
  const bareUrl = `${bare.url}/v1/generations`;
  // The floor of any accept that persists before it answers (Postgres only: PGlite serves one process).
  const durable = process.env.DATABASE_URL ? await startChildServer('bench/tools/bare-insert.mjs') : undefined;
  const durableUrl = durable && `${durable.url}/v1/generations`;
  const body = JSON.stringify({ model: 'local/image', prompt: 'bench', parameters: { width: 64, height: 64 } });
  const figures: Figure[] = [];
  const notes: string[] = [];
  const backlog = () => createOutboxRepo(stack.db.db).backlog(1_000_000);
  const drained = async () => {
    while ((await backlog()) > 0) await sleep(100);
  };
  try {
    await httpLoad(apiUrl, { connections: 4, seconds: 2, body, headers: benchHeaders }); // warm-up (with the first generator)
    await httpLoad(bareUrl, { connections: 4, seconds: 2, body, headers: benchHeaders });
    if (durableUrl) await httpLoad(durableUrl, { connections: 4, seconds: 2, body, headers: benchHeaders });
    await drained();
    for (const clients of levels) {
      for (const generator of generators) {
        // Named by the load generator only when there are two (they see genflow's tail differently).
        const by = generators.length > 1 ? ` (${generator})` : '';
        const load = { connections: clients, seconds, body, headers: benchHeaders, generator };
        const base = await httpLoad(bareUrl, load);
        // Before genflow's run: after it, its dispatcher drains the accepted starts (and would load the machine).
        const floor = durableUrl ? await httpLoad(durableUrl, load) : undefined;
        const gen = await httpLoad(apiUrl, load);
        const target = clients === 100 ? '< 50 ms' : undefined;
        figures.push(figure(`submit p50 @${clients} clients${by}`, 'ms', gen.p50, 'bare Express route (own process)', base.p50));
        figures.push(figure(`submit p99 @${clients} clients${by}`, 'ms', gen.p99, 'bare Express route (own process)', base.p99, target));
        figures.push(figure(`submit throughput @${clients} clients${by}`, 'req/s', gen.perSecond, 'bare Express route (own process)', base.perSecond, clients === 100 ? '≥ 0.25×' : undefined));
        if (floor) {
          const what = 'bare Express route committing one row to the same Postgres (own process)';
          figures.push(figure(`submit p99 @${clients} clients${by} (vs a bare durable accept)`, 'ms', gen.p99, what, floor.p99));
          figures.push(figure(`submit throughput @${clients} clients${by} (vs a bare durable accept)`, 'req/s', gen.perSecond, what, floor.perSecond));
        }
        if (gen.non2xx + gen.errors > 0) notes.push(`@${clients} clients${by} genflow answered ${gen.non2xx} non-2xx and had ${gen.errors} errors of ${gen.ok + gen.non2xx + gen.errors}`);
        // What the level left for the dispatcher (it yields to a busy process's submits), and how
        // fast it went once the load stopped: accepted faster than started is a burst absorbed.
        const left = await backlog();
        const d0 = performance.now();
        // The next level starts from an empty outbox.
        await drained();
        const drainSeconds = (performance.now() - d0) / 1000;
        notes.push(`@${clients} clients${by}: ${left} of ${gen.ok} accepted submits were still waiting to start when the load stopped; started in ${drainSeconds.toFixed(1)} s after it`);
      }
    }

    // Start rate: fill the outbox with the dispatcher stopped, then time how fast it empties.
    await outbox.stop();
    const fill = await httpLoad(apiUrl, { connections: 50, amount: startN, body, headers: benchHeaders });
    const filled = await backlog();
    // One entry's payload for the second baseline below (claimed for 1 ms: claimable again at once).
    const sample = await createOutboxRepo(stack.db.db).claim(1, 1, `bench-sample-${Date.now()}`);
    const t0 = performance.now();
    outbox.start();
    await drained();
    const dispatched = filled / ((performance.now() - t0) / 1000);
    const client = await runJsonChild<{ perSecond: number }>([
      'bench/tools/bare-start.mjs',
      JSON.stringify({ address: stack.env.address, taskQueue: UNPOLLED, total: startN, concurrency: outbox.settings.concurrency }),
    ]);
    figures.push(figure('workflow start rate from the outbox', 'starts/s', dispatched, `bare client workflow.start, ${outbox.settings.concurrency} in flight (own process)`, client.perSecond, '≥ 0.8×'));
    // The same bare client, each start carrying what a dispatcher's start carries (a generation's
    // input and its search attributes): the server's share of the gap, told from the dispatcher's.
    if (sample[0]) {
      const attributes = Object.fromEntries(
        Object.entries(sample[0].search_attributes).map(([field, value]) => [GenflowSearchAttributes[field as keyof typeof GenflowSearchAttributes].name, value]),
      );
      const loaded = await runJsonChild<{ perSecond: number }>([
        'bench/tools/bare-start.mjs',
        JSON.stringify({ address: stack.env.address, taskQueue: UNPOLLED, total: startN, concurrency: outbox.settings.concurrency, args: sample[0].args, searchAttributes: attributes }),
      ]);
      figures.push(figure('workflow start rate from the outbox (vs a bare client with the same payload)', 'starts/s', dispatched, `bare client workflow.start with a generation's input and search attributes, ${outbox.settings.concurrency} in flight (own process)`, loaded.perSecond));
    }
    if (fill.non2xx + fill.errors > 0) notes.push(`filling the outbox: ${fill.non2xx} non-2xx, ${fill.errors} errors`);
  } finally {
    await closeServer(api);
    await bare.stop();
    await durable?.stop();
    await stack.stop();
  }
  return {
    bench: 'submit-latency',
    machine: machine(),
    parameters: {
      clients: levels,
      load: generators,
      secondsPerLevel: seconds,
      startRateEntries: startN,
      outbox: { concurrency: outbox.settings.concurrency, startRate: outbox.settings.startRate, maxBacklog: outbox.settings.maxBacklog },
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      temporal: process.env.BENCH_TEMPORAL_ADDRESS ? `running server at ${process.env.BENCH_TEMPORAL_ADDRESS}` : 'dev server',
      model: 'local/image 64x64',
    },
    figures,
    notes: [
      `load: ${generators.join(' and ')}, each in its own process (one request in flight per client; wrk with one thread); baseline: a bare Express JSON route in its own process (bench/tools/bare-express.mjs), same run`,
      ...(durable ? ['second baseline: a bare Express route that commits one row per request to the same Postgres, own process (bench/tools/bare-insert.mjs): the floor of a durable accept on this machine'] : []),
      'a genflow submit validates, writes the row and its outbox entry in one transaction and answers; the dispatcher in the same process starts the workflow (queue no worker polls)',
      `start rate: ${startN} entries started by one dispatcher from a filled outbox, against a bare client (bench/tools/bare-start.mjs, its own process) starting as many workflows on the same server`,
      ...notes,
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  printResult(result);
  saveResult(result);
  process.exit(0);
}
