import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';
import { temporalAddress } from '../support/stack';

describe.skipIf(!temporalAddress)('the provider-health schedule after `genflow dev` starts', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-health-'));
  // Ids of its own: other suites start `genflow dev` against the same Temporal server.
  const scheduleId = `health-startup-${randomUUID()}`;
  const taskQueue = `health-startup-${randomUUID()}`;
  let current: DevProcess | undefined;
  let connection: Connection | undefined;

  afterAll(async () => {
    if (current) await kill(current.child, 'SIGTERM');
    if (connection) {
      await new Client({ connection }).schedule.getHandle(scheduleId).delete().catch(() => undefined);
      await connection.close();
    }
    rmSync(home, { recursive: true, force: true });
  });

  it('exists on the Temporal server with the configured interval, starting providerHealthWorkflow on the worker queue', async () => {
    current = await startDevProcess({
      TEMPORAL_ADDRESS: temporalAddress ?? '',
      GENFLOW_HOME: home,
      GENFLOW_TASK_QUEUE: taskQueue,
      GENFLOW_HEALTH_INTERVAL: '6 hours',
      GENFLOW_HEALTH_SCHEDULE_ID: scheduleId,
    });
    connection = await Connection.connect({ address: temporalAddress! });
    const described = await new Client({ connection }).schedule.getHandle(scheduleId).describe();
    expect(described.spec.intervals?.map((i) => i.every)).toEqual([6 * 3600 * 1000]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'providerHealthWorkflow', taskQueue, args: [{}] });
    expect(described.state.paused).toBe(false);
  }, 120_000);
});
