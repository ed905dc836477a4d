import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('runs a batch file: progress, the outputs of the successes, and each failure by line', async () => {
    const dir = mkdtempSync(join(out, 'batch-'));
    const file = join(dir, 'requests.jsonl');
    writeFileSync(
      file,
      [
        { model: 'local/image', prompt: 'a red kite', parameters: { width: 80, height: 64 } },
        '',
        { model: 'local/speech', prompt: 'hello there' },
        { model: 'local/image', prompt: 'refused', parameters: { width: 80, height: 64, failWith: 'CONTENT_REJECTED' } },
      ]
        .map((l) => (typeof l === 'string' ? l : JSON.stringify(l)))
        .join('\n'),
    );
    const err = await cli(['batch', file, '--url', stack.baseUrl, '--max-concurrency', '2', '--out', dir]).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    // One item failed, so the command fails, after reporting everything.
    expect(err).toMatchObject({ code: 1 });
    const { stdout, stderr } = err;
    const paths = stdout.trim().split('\n');
    expect(paths.map((p) => p.split('.').pop()).sort()).toEqual(['png', 'wav']);
    expect((await sharp(readFileSync(paths.find((p) => p.endsWith('.png'))!)).metadata()).width).toBe(80);
    expect(stderr).toMatch(/batch [0-9a-f]{8} 100% partially_failed/);
    expect(stderr).toMatch(/#2 [0-9a-f-]{36} failed: CONTENT_REJECTED/);
  });

  it('names the line of a batch file that is not JSON', async () => {
    const file = join(out, 'bad.jsonl');
    writeFileSync(file, '{"model":"local/image","prompt":"ok"}\n{oops\n');
    const err = await cli(['batch', file, '--url', stack.baseUrl]).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain('bad.jsonl:2');
  });

  it('prints a generation with status', async () => {
    const { stdout: id } = await cli(['generate', '--url', stack.baseUrl, '--model', 'local/speech', '--prompt', 'hello']);
    const { stdout } = await cli(['status', '--url', stack.baseUrl, id.trim()]);
    expect((JSON.parse(stdout) as { id: string; model: string }).model).toBe('local/speech');
  });
});

describe('the genflow CLI against a remote genflow', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ path: string; authorization: string | undefined }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'remote-1', model: 'local/image', status: 'queued' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  it('sends --api-key, or GENFLOW_API_KEY, as a bearer token to --url', async () => {
    await cli(['status', '--url', url, '--api-key', 'gf-key-1', 'remote-1']);
    await run(process.execPath, ['--import', 'tsx', resolve('cli/genflow.ts'), 'status', 'remote-1'], {
      env: { ...process.env, GENFLOW_URL: url, GENFLOW_API_KEY: 'gf-key-2' },
      timeout: 60_000,
    });
    expect(seen).toEqual([
      { path: '/v1/generations/remote-1', authorization: 'Bearer gf-key-1' },
      { path: '/v1/generations/remote-1', authorization: 'Bearer gf-key-2' },
    ]);
  });
});
