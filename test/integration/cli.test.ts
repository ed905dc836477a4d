import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, TEST_ADMIN_KEY, temporalAddress, type Stack } from '../support/stack';

const run = promisify(execFile);
// The key as a user would give it: GENFLOW_API_KEY in the environment.
const cli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', resolve('cli/genflow.ts'), ...args], { timeout: 60_000, env: { ...process.env, GENFLOW_API_KEY: TEST_ADMIN_KEY } });

describe.skipIf(!temporalAddress)('the genflow CLI against a running API', () => {
  let stack: Stack;
  const out = mkdtempSync(join(tmpdir(), 'genflow-cli-'));
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('generates with --wait and writes the outputs where it says', async () => {
    const { stdout } = await cli([
      'generate', '--url', stack.baseUrl, '--model', 'local/image', '--prompt', 'a kite over dunes',
      '--param', 'width=96', '--param', 'height=80', '--param', 'format=webp', '--n', '2', '--wait', '--out', out,
    ]);
    const paths = stdout.trim().split('\n');
    expect(paths).toHaveLength(2);
    expect(readdirSync(out)).toHaveLength(2);
    const meta = await sharp(readFileSync(paths[0]!)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 96, 80]);
  });

  it('exits non-zero with the API error code for a bad request', async () => {
    const err = await cli(['generate', '--url', stack.baseUrl, '--model', 'local/image', '--prompt', 'x', '--param', 'width=9999']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain('INVALID_PARAMETERS');
  });

  it('prints a generation with status', async () => {
    const { stdout: id } = await cli(['generate', '--url', stack.baseUrl, '--model', 'local/speech', '--prompt', 'hello']);
    const { stdout } = await cli(['status', '--url', stack.baseUrl, id.trim()]);
    expect((JSON.parse(stdout) as { id: string; model: string }).model).toBe('local/speech');
  });
});
