import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../runtime/free-port';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';
import { postJson, temporalAddress, waitForGeneration } from '../support/stack';

/** Pids of `temporal server start-dev` processes serving the given port. */
function devServerPids(port: number): number[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines
    .filter((line) => line.includes('start-dev') && new RegExp(`--port[= ]${port}\\b`).test(line))
    .map((line) => Number(line.trim().split(/\s+/, 1)[0]));
}

/**
 * `npm start` runs its own Temporal dev server. When that server dies (SIGKILL, a crash),
 * genflow brings it back on the same port and state file: a generation accepted before the
 * kill and one submitted after it both succeed, without restarting genflow.
 */
describe.skipIf(!temporalAddress)('the embedded Temporal dev server is restarted when it dies', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-watchdog-'));
  let current: DevProcess | undefined;

  afterAll(async () => {
    if (current) await kill(current.child, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  });

  it('a SIGKILLed dev server comes back and generations go on', async () => {
    const port = await freeLoopbackPort();
    const uiPort = await freeLoopbackPort();
    current = await startDevProcess(
      { TEMPORAL_ADDRESS: '', TEMPORAL_PORT: String(port), TEMPORAL_UI_PORT: String(uiPort), GENFLOW_HOME: home, GENFLOW_TASK_QUEUE: `watchdog-${randomUUID()}`, DATABASE_URL: '' },
      200_000,
    );
    const url = current.baseUrl;
    const before = await postJson(`${url}/v1/generations`, { model: 'local/video', prompt: 'accepted before the kill', parameters: { durationSeconds: 1 } });
    expect(before.status).toBe(202);

    const pids = devServerPids(port);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    // Gone for real before the watchdog brings a new one up.
    await expect.poll(() => devServerPids(port).filter((pid) => pids.includes(pid)), { timeout: 10_000 }).toEqual([]);

    await expect.poll(() => devServerPids(port).length, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    expect(current.output()).toContain('restarting it');

    expect((await waitForGeneration(url, before.body.id as string, undefined, 120_000)).status).toBe('succeeded');
    let after: Awaited<ReturnType<typeof postJson>> | undefined;
    // The API reconnects on its own; a submit during the reconnect may answer 503, and its retry
    // with the same Idempotency-Key 200 with the same generation.
    await expect
      .poll(async () => (after = await postJson(`${url}/v1/generations`, { model: 'local/image', prompt: 'after the restart', parameters: { width: 64, height: 64 } }, { 'idempotency-key': 'after-restart' })).status, {
        timeout: 60_000,
        interval: 1_000,
      })
      .toSatisfy((status: number) => status === 202 || status === 200);
    expect((await waitForGeneration(url, after!.body.id as string, undefined, 60_000)).status).toBe('succeeded');
    expect(current.child.exitCode).toBeNull();
  }, 420_000);
});
