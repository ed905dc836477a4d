import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { GenerationView } from '../domain/generation';
import { isTerminal } from '../domain/status';
import { createProgressBar } from './progress-bar';
import { createRemote, type Remote } from './remote';

export const remoteFlags = {
  url: { type: 'string', default: process.env.GENFLOW_URL ?? 'http://127.0.0.1:3000' },
  'api-key': { type: 'string', default: process.env.GENFLOW_API_KEY },
} as const;

/** `k=v` → { k: v }, with numbers and booleans parsed so `--param width=512` is a number. */
export function parseParams(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--param expects key=value, got '${pair}'`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
    else if (raw === 'true' || raw === 'false') value = raw === 'true';
    out[pair.slice(0, eq)] = value;
  }
  return out;
}

const extension = (contentType: string) => contentType.split(';')[0]!.split('/')[1]?.replace('mpeg', 'mp3') ?? 'bin';

/** The --url / --api-key pair (or GENFLOW_URL / GENFLOW_API_KEY) as a client. */
export function remoteFrom(values: { url: string; 'api-key'?: string | undefined }): Remote {
  return createRemote({ url: values.url, ...(values['api-key'] ? { apiKey: values['api-key'] } : {}) });
}

/** Writes each output of a finished generation under `outDir` and prints its path. */
export async function downloadOutputs(remote: Remote, g: Pick<GenerationView, 'id' | 'outputs'>, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  for (const [i, output] of g.outputs.entries()) {
    const path = resolve(join(outDir, `${g.id}-${i}.${extension(output.contentType)}`));
    writeFileSync(path, await remote.download(output.url));
    process.stdout.write(`${path}\n`);
  }
}

export async function waitAndDownload(remote: Remote, id: string, outDir: string): Promise<GenerationView> {
  const bar = createProgressBar(id.slice(0, 8));
  let g = await remote.getGeneration(id);
  while (!isTerminal(g.status)) {
    bar.update(g.progress, g.status);
    await new Promise((r) => setTimeout(r, 500));
    g = await remote.getGeneration(id);
  }
  bar.update(g.status === 'succeeded' ? 1 : g.progress, g.status);
  bar.done();
  if (g.status === 'succeeded') await downloadOutputs(remote, g, outDir);
  return g;
}

export async function runGenerate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...remoteFlags,
      model: { type: 'string' },
      prompt: { type: 'string' },
      param: { type: 'string', multiple: true, default: [] },
      image: { type: 'string', multiple: true, default: [] },
      n: { type: 'string' },
      wait: { type: 'boolean', default: false },
      out: { type: 'string', default: '.' },
    },
  });
  if (!values.model || !values.prompt) throw new Error('generate needs --model and --prompt');
  const remote = remoteFrom(values);
  const created = await remote.createGeneration({
    model: values.model,
    prompt: values.prompt,
    parameters: parseParams(values.param),
    ...(values.image.length ? { inputImages: values.image } : {}),
    ...(values.n ? { numberOfOutputs: Number(values.n) } : {}),
  });
  process.stderr.write(`generation ${created.id} ${created.status}\n`);
  if (!values.wait) {
    process.stdout.write(`${created.id}\n`);
    return 0;
  }
  const done = await waitAndDownload(remote, created.id, values.out);
  if (done.status !== 'succeeded') {
    process.stderr.write(`generation ${done.id} ${done.status}: ${done.error?.code ?? ''} ${done.error?.message ?? ''}\n`);
    return 1;
  }
  return 0;
}

export async function runStatus(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: remoteFlags, allowPositionals: true });
  const id = positionals[0];
  if (!id) throw new Error('status needs a generation id');
  const remote = remoteFrom(values);
  process.stdout.write(JSON.stringify(await remote.getGeneration(id), null, 2) + '\n');
  return 0;
}
