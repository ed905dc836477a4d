// The load generator of the submit bench, on its own thread: on the server's event loop the
// client's own work (100 fetch loops) would count as server latency. Plain JavaScript, so the
// thread needs no TypeScript loader. Input: { url, body, clients, total, expectStatus, headers };
// output: { latencies: number[], perSecond: number }.
import { parentPort, workerData } from 'node:worker_threads';

const { url, body, clients, total, expectStatus, headers } = workerData;
const latencies = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (next++ < total) {
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers, body });
      await res.arrayBuffer();
      if (res.status !== expectStatus) throw new Error(`HTTP ${res.status}`);
      latencies.push(performance.now() - t0);
    }
  }),
);
parentPort.postMessage({ latencies, perSecond: total / ((performance.now() - started) / 1000) });
