import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The console's sources: TypeScript and CSS under console/ (see console/README.md). */
export const CONSOLE_DIR = join(ROOT, 'console');

export interface ConsoleBundle {
  /** Hash of the sources: part of the asset URLs, so a browser never runs a stale script. */
  hash: string;
  js: string;
  css: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function sourceHash(): string {
  const hash = createHash('sha256').update(esbuildVersion);
  for (const file of walk(join(CONSOLE_DIR, 'src')).sort()) hash.update(relative(CONSOLE_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * The console's script and stylesheet, built with esbuild from console/src and kept under
 * `<cacheDir>/<hash>.{js,css}` (the workflow bundle's cache-by-hash pattern,
 * runtime/workflow-bundle.ts): there is no build step to forget, `npm ci && npm start` serves
 * the current sources, and a restart reuses the last build. Without a writable cache the build
 * lives in memory only. Building takes ~100 ms, once per process.
 */
export async function buildConsoleBundle(cacheDir: string | undefined): Promise<ConsoleBundle> {
  const hash = sourceHash();
  const paths = cacheDir ? { js: join(cacheDir, `${hash}.js`), css: join(cacheDir, `${hash}.css`) } : undefined;
  if (paths && existsSync(paths.js) && existsSync(paths.css)) {
    return { hash, js: readFileSync(paths.js, 'utf8'), css: readFileSync(paths.css, 'utf8') };
  }
  const result = await build({
    entryPoints: { app: join(CONSOLE_DIR, 'src', 'main.ts'), style: join(CONSOLE_DIR, 'src', 'console.css') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: 'out',
    logLevel: 'silent',
    legalComments: 'none',
  });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  const bundle = { hash, js: text('app.js'), css: text('style.css') };
  if (paths && cacheDir) {
    try {
      mkdirSync(cacheDir, { recursive: true });
      for (const old of readdirSync(cacheDir)) if (!old.startsWith(hash)) rmSync(join(cacheDir, old), { force: true });
      // Written under a temporary name and renamed: another process never reads half a file.
      for (const [path, body] of [[paths.js, bundle.js], [paths.css, bundle.css]] as const) {
        writeFileSync(`${path}.${process.pid}.tmp`, body);
        renameSync(`${path}.${process.pid}.tmp`, path);
      }
    } catch {
      // A read-only home: the bundle is served from memory, rebuilt on the next start.
    }
  }
  return bundle;
}
