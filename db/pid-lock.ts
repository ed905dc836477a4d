import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite has no server to arbitrate between processes: two processes opening the same data
 * folder would corrupt it. A pid file refuses the second one; a stale file (its process gone,
 * e.g. after a crash) is taken over.
 */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, 'genflow.pid');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
      throw new Error(`the embedded database in ${dir} is in use by process ${holder}; stop it, or set another GENFLOW_HOME`, {
        cause: err,
      });
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}
