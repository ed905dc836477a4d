import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createErrorLog, failureSource } from '../../activities/error-log';
import { createGenerationActivities } from '../../activities/generation-activities';
import type { ErrorLogsRepo, NewErrorLog } from '../../db/error-logs-repo';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { GenerationWorkflowInput } from '../../domain/generation';
import { LocalDiskStorage } from '../../media/storage/local-disk';
import { localProvider } from '../../providers/local';
import { createProviderGateway } from '../../providers/provider-gateway';

const home = mkdtempSync(join(tmpdir(), 'genflow-errlog-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const logger = pino({ level: 'silent' });
const KEY = `sk-secret-${randomUUID()}`;
const providers = createProviderGateway({ dataDir: home, env: { GENFLOW_OPENAI_API_KEYS: KEY } });

function failingInput(failWith: string): GenerationWorkflowInput {
  const spec = localProvider.models.find((m) => m.id === 'local/image')!;
  return {
    generationId: randomUUID(),
    request: { model: 'local/image', kind: 'text-to-image', prompt: 'p', parameters: spec.parameters.parse({ failWith }), inputImages: [], numberOfOutputs: 1 },
    model: { id: 'local/image', provider: 'local', async: false, polling: { initialDelayMs: 1000, maxIntervalMs: 1000, maxTotalMs: 10_000 } },
  };
}

function activitiesWith(errorLogs: Pick<ErrorLogsRepo, 'insert'>) {
  // Only the submit bookkeeping is reached before the provider call fails.
  const repo = { beginSubmit: async () => ({}), endSubmit: async () => undefined } as Partial<GenerationsRepo> as GenerationsRepo;
  return createGenerationActivities({ repo, storage: new LocalDiskStorage(join(home, 'media')), providers, logger, errorLogs: errorLogs as ErrorLogsRepo });
}

describe('the error log written from activities', () => {
  it('records a failed provider attempt with its stage, code, attempt and provider', async () => {
    const rows: NewErrorLog[] = [];
    const acts = activitiesWith({ insert: async (e) => void rows.push(e) });
    const input = failingInput('PROVIDER_UNAVAILABLE');
    const env = new MockActivityEnvironment({ attempt: 3 });
    const err: unknown = await env.run((i: GenerationWorkflowInput) => acts.submitToProvider(i), input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(rows).toEqual([
      expect.objectContaining({ generationId: input.generationId, provider: 'local', model: 'local/image', stage: 'submit', source: 'provider', code: 'PROVIDER_UNAVAILABLE', attempt: 3 }) as unknown,
    ]);
  });

  it('never lets a failing log write change the outcome: the attempt fails with its own error', async () => {
    const acts = activitiesWith({
      insert: async () => {
        throw new Error('connection terminated unexpectedly');
      },
    });
    const err: unknown = await new MockActivityEnvironment().run((i: GenerationWorkflowInput) => acts.submitToProvider(i), failingInput('CONTENT_REJECTED')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('CONTENT_REJECTED');
    expect((err as ApplicationFailure).message).toMatch(/injected failure/);
  });

  it('never lets a hanging log write hold the activity for long', async () => {
    const acts = activitiesWith({ insert: () => new Promise<void>(() => undefined) });
    const err: unknown = await new MockActivityEnvironment().run((i: GenerationWorkflowInput) => acts.submitToProvider(i), failingInput('PROVIDER_ERROR')).catch((e: unknown) => e);
    expect((err as ApplicationFailure).type).toBe('PROVIDER_ERROR');
  }, 15_000);

  it('masks every configured API key in the stored message', async () => {
    const rows: NewErrorLog[] = [];
    const log = createErrorLog({ logger, errorLogs: { insert: async (e: NewErrorLog) => void rows.push(e) } as ErrorLogsRepo, redact: (t) => providers.redact(t) });
    await log.record('submit', { provider: 'openai' }, ApplicationFailure.create({ type: 'AUTHENTICATION_FAILED', message: `Incorrect API key provided: ${KEY}` }));
    expect(rows[0]?.message).not.toContain(KEY);
    expect(rows[0]?.message).toContain('Incorrect API key provided: sk-');
  });

  it('tells provider failures from database and genflow failures', () => {
    expect(failureSource('PROVIDER_TIMEOUT', new Error('x'))).toBe('provider');
    const pgDown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
    expect(failureSource('INTERNAL_ERROR', pgDown)).toBe('database');
    expect(failureSource('INTERNAL_ERROR', Object.assign(new Error('duplicate key'), { code: '23505', severity: 'ERROR' }))).toBe('genflow');
    expect(failureSource('STORAGE_FAILED', new Error('disk full'))).toBe('genflow');
  });
});
