import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** What the bundle is built from: workflow code may import only these (eslint enforces it). */
const SOURCE_DIRS = ['workflows', 'domain'];
const SDK_PACKAGES = ['@temporalio/workflow', '@temporalio/worker'];

/**
 * The worker's workflow bundle, built by a short-lived child process and kept under
 * `$GENFLOW_HOME/workflow-bundles/<hash of its sources>.js`.
 * Why not let Worker.create bundle in-process: webpack leaves ~100 MiB in the worker's RSS for
 * the life of the process (measured: 200 → 299 MiB), and a restart pays seconds of bundling
 * again. The hash covers every source file and the SDK versions, so an edited workflow always
 * gets a fresh bundle. Answers undefined (the caller bundles in-process) if the cache cannot be
 * written, e.g. a read-only home.
 */
export async function prepareWorkflowBundle(home: string, logger: Logger): Promise<{ codePath: string } | undefined> {
  const dir = resolve(home, 'workflow-bundles');
  const codePath = join(dir, `${sourceHash()}.js`);
  if (existsSync(codePath)) return { codePath };
  try {
    mkdirSync(dir, { recursive: true });
    const started = Date.now();
    await buildInChild(codePath);
    // Earlier bundles only; another process's build in progress (.tmp) is left alone.
    for (const old of readdirSync(dir)) if (old.endsWith('.js') && join(dir, old) !== codePath) rmSync(join(dir, old), { force: true });
    logger.info({ codePath, ms: Date.now() - started }, 'workflow bundle built');
    return { codePath };
  } catch (err) {
    logger.warn({ err }, 'workflow bundle could not be cached; bundling in the worker process');
    return undefined;
  }
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const files = SOURCE_DIRS.flatMap((d) => walk(join(ROOT, d))).sort();
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  for (const name of SDK_PACKAGES) hash.update(readFileSync(join(ROOT, 'node_modules', name, 'package.json')));
  return hash.digest('hex').slice(0, 24);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function buildInChild(codePath: string): Promise<void> {
  const script = fileURLToPath(new URL('./bundle-workflows-main.ts', import.meta.url));
  return new Promise((resolvePromise, reject) => {
    // The parent's flags carry the TypeScript loader (tsx) to the child.
    const child = spawn(process.execPath, [...process.execArgv, script, codePath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`workflow bundling exited with ${code}: ${stderr.trim()}`))));
  });
}
