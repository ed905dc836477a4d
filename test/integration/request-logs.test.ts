import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIFake } from '../fakes/openai';
import { PinoTemporalLogger } from '../../runtime/pino-temporal-logger';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

/** A pino logger whose JSON lines are kept for the test to read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  let raw = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = chunk.toString();
      raw += text;
      for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, raw: () => raw };
}

const KEY = `sk-test-logs-${randomUUID()}`;

describe.skipIf(!temporalAddress)('request and generation logs', () => {
  const capture = capturingLogger();
  const fake = new OpenAIFake({ apiKeys: [KEY] });
  let stack: Stack;
  beforeAll(async () => {
    await fake.start();
    stack = await startStack({ logger: capture.logger, env: { GENFLOW_OPENAI_BASE_URL: fake.url, GENFLOW_OPENAI_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('honours X-Request-Id and joins it to the generation and workflow ids in API and worker lines', async () => {
    const requestId = `req-${randomUUID()}`;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/video', prompt: 'a tide', parameters: { durationSeconds: 1, width: 64, height: 64 } }, { 'x-request-id': requestId });
    expect(submit.status).toBe(202);
    expect(submit.headers.get('x-request-id')).toBe(requestId);
    const id = submit.body.id as string;
    await waitForGeneration(stack.baseUrl, id);
    const workflowId = `gen_${id}`;

    const completed = capture.lines.find((l) => l.msg === 'request completed' && l.requestId === requestId);
    expect(completed).toMatchObject({ generationId: id, workflowId, req: { method: 'POST', url: '/v1/generations' }, res: { statusCode: 202 } });
    expect(capture.lines.find((l) => l.msg === 'generation accepted')).toMatchObject({ requestId, generationId: id, workflowId });
    // The worker's line for the async job carries all three, though it ran in an activity.
    await expect.poll(() => capture.lines.find((l) => l.msg === 'provider task submitted' && l.generationId === id)).toMatchObject({ requestId, workflowId, activity: 'submitToProvider' });
    expect(capture.lines.find((l) => l.msg === 'generation finished' && l.generationId === id)).toMatchObject({ workflowId, status: 'succeeded' });
  });

  it('generates a request id when none (or a malformed one) is given', async () => {
    const res = await fetch(`${stack.baseUrl}/v1/models`, { headers: { 'x-request-id': 'bad id with spaces' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(capture.lines.some((l) => l.msg === 'request completed' && l.requestId === id)).toBe(true);
  });

  it('never writes an API key, even one sent in a header or rejected by the provider', async () => {
    await fetch(`${stack.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${KEY}`, 'x-api-key': KEY } });
    fake.keysWithoutQuota.add(KEY);
    const done = await waitForGeneration(stack.baseUrl, (await postJson(`${stack.baseUrl}/v1/generations`, { model: 'openai/dall-e-2', prompt: 'a key test' })).body.id as string);
    expect(done.error?.code).toBe('QUOTA_EXCEEDED');
    expect(capture.lines.some((l) => l.msg === 'request completed')).toBe(true);
    expect(capture.raw()).not.toContain(KEY);
  });
});

describe('Temporal SDK logs routed to pino', () => {
  it('keeps workflow lines at their level with their metadata and demotes the SDK chatter', () => {
    const capture = capturingLogger();
    const temporal = new PinoTemporalLogger(capture.logger);
    temporal.info('generation started', { sdkComponent: 'workflow', workflowId: 'gen_1', generationId: '1', requestId: 'r1' });
    temporal.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    temporal.warn('poll failed', { sdkComponent: 'core', when: 5n });
    expect(capture.lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'generation started', workflowId: 'gen_1', generationId: '1', requestId: 'r1' }),
      expect.objectContaining({ level: 20, msg: 'Worker state changed' }),
      expect.objectContaining({ level: 40, msg: 'poll failed', when: '5' }),
    ]);
  });
});
