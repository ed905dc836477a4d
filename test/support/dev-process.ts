import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { TEST_ADMIN_KEY } from './stack';

export interface DevProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
}

const entry = resolve('cli/genflow.ts');

/**
 * Runs `genflow dev` as a real child process and waits until it prints its API URL. Its admin
 * key is TEST_ADMIN_KEY (so the stack.ts helpers work against it) unless `env` sets one; an
 * empty GENFLOW_ADMIN_API_KEY leaves it unset, as on a first `npm start`.
 */
export function startDevProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<DevProcess> {
  // `node --import tsx` rather than the tsx binary: tsx would run the app in a grandchild,
  // and a SIGKILL to tsx would leave that grandchild running.
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'dev'], {
    // No provider-health schedule unless a test asks for one: a scheduled run in a test
    // process would judge (and resolve) the alerts of other suites sharing the database.
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', GENFLOW_HEALTH_INTERVAL: '0', GENFLOW_ADMIN_API_KEY: TEST_ADMIN_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`genflow dev did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /genflow API\s+(http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, baseUrl: match[1]!, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`genflow dev exited early (${code ?? signal}):\n${out}`));
    });
  });
}

export function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
    child.kill(signal);
  });
}
