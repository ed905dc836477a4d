import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BatchView } from '../domain/batch';
import { downloadOutputs, remoteFlags, remoteFrom } from './generate';
import { createProgressBar } from './progress-bar';
import type { Remote } from './remote';

/** One generation request per non-empty line; a bad line is named by its line number. */
export function readJsonl(path: string): unknown[] {
  const out: unknown[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        out.push(JSON.parse(line));
      } catch (err) {
        throw new Error(`${path}:${i + 1}: not a JSON object (${err instanceof Error ? err.message : String(err)})`, { cause: err });
      }
    });
  if (out.length === 0) throw new Error(`${path}: no requests (one JSON generation request per line)`);
  return out;
}

/** Every item of the batch, page by page. */
async function allItems(remote: Remote, id: string): Promise<BatchView['items']> {
  const items: BatchView['items'] = [];
  let cursor = 0;
  for (;;) {
    const page = await remote.getBatch(id, cursor);
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = Number(page.nextCursor);
  }
}

export async function runBatch(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...remoteFlags,
      'max-concurrency': { type: 'string' },
      'stop-on-error': { type: 'boolean', default: false },
      'no-wait': { type: 'boolean', default: false },
      urls: { type: 'boolean', default: false },
      out: { type: 'string', default: '.' },
    },
  });
  const file = positionals[0];
  if (!file) throw new Error('batch needs a .jsonl file (one generation request per line)');
  const requests = readJsonl(file);
  const remote = remoteFrom(values);
  const created = await remote.createBatch({
    requests,
    options: { stopOnError: values['stop-on-error'], ...(values['max-concurrency'] ? { maxConcurrency: Number(values['max-concurrency']) } : {}) },
  });
  process.stderr.write(`batch ${created.id}: ${created.totalTasks} generations\n`);
  if (values['no-wait']) {
    process.stdout.write(`${created.id}\n`);
    return 0;
  }

  const bar = createProgressBar(`batch ${created.id.slice(0, 8)}`);
  let batch = await remote.getBatch(created.id, 0, 1);
  while (batch.status === 'running') {
    const { succeeded, failed, canceled, total } = batch.counts;
    bar.update(batch.progress, `${succeeded + failed + canceled}/${total} done, ${failed} failed`);
    await new Promise((r) => setTimeout(r, 500));
    batch = await remote.getBatch(created.id, 0, 1);
  }
  bar.update(1, batch.status);
  bar.done();

  let failures = 0;
  for (const item of await allItems(remote, created.id)) {
    if (item.status === 'succeeded') {
      // The batch's items carry their outputs: no GET per item.
      if (values.urls) for (const o of item.outputs) process.stdout.write(`${o.url}\n`);
      else await downloadOutputs(remote, { id: item.generationId, outputs: item.outputs }, values.out);
    } else {
      failures += 1;
      process.stderr.write(`#${item.index} ${item.generationId} ${item.status}${item.error ? `: ${item.error.code} ${item.error.message}` : ''}\n`);
    }
  }
  process.stderr.write(`batch ${created.id} ${batch.status}: ${batch.counts.succeeded} succeeded, ${failures} not\n`);
  return batch.status === 'succeeded' ? 0 : 1;
}
