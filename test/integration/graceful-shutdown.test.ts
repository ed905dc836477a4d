import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';
import { postJson, temporalAddress, waitForGeneration } from '../support/stack';

describe.skipIf(!temporalAddress)('SIGTERM under load', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-term-'));
  const env = { TEMPORAL_ADDRESS: temporalAddress ?? '', GENFLOW_HOME: home, GENFLOW_TASK_QUEUE: `term-${randomUUID()}` };
  let current: DevProcess | undefined;

  afterAll(async () => {
    if (current) await kill(current.child, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  });

  it('stops cleanly, and after a restart every accepted generation finishes', async () => {
    current = await startDevProcess(env);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const body =
        i % 4 === 0
          ? { model: 'local/video', prompt: `clip ${i}`, parameters: { durationSeconds: 2, width: 64, height: 64, fps: 2 } }
          : { model: 'local/image', prompt: `image ${i}`, parameters: { width: 256, height: 256 } };
      const res = await postJson(`${current.baseUrl}/v1/generations`, body);
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    const exited = new Promise<number | null>((resolve) => current!.child.once('exit', (code) => resolve(code)));
    current.child.kill('SIGTERM');
    expect(await exited).toBe(0);

    current = await startDevProcess(env);
    for (const id of ids) {
      const g = await waitForGeneration(current.baseUrl, id, undefined, 90_000);
      expect(g.status, id).toBe('succeeded');
      expect(g.outputs).toHaveLength(1);
    }
  }, 240_000);
});
