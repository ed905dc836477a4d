import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { ErrorLogsRepo, NewErrorLog } from '../db/error-logs-repo';
import { GenflowError } from '../domain/errors';
import { responseBodyOf } from '../providers/http';

/** Codes that say the provider (not the request, not genflow) failed: what the failure-rate rule counts. */
const PROVIDER_CODES = new Set([
  'AUTHENTICATION_FAILED',
  'QUOTA_EXCEEDED',
  'RATE_LIMITED',
  'PROVIDER_ERROR',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'TASK_TIMEOUT',
  'PROVIDER_KEY_UNAVAILABLE',
]);

/** Connection-level errors of the database drivers (pg, PGlite) and the SQLSTATE classes of a server in trouble. */
function isDatabaseError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const severity = (e as { severity?: unknown }).severity;
    // SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention), 58 (system).
    if (typeof code === 'string' && typeof severity === 'string' && /^(08|53|57|58)/.test(code)) return true;
    if (/Connection terminated|database system is (shutting down|starting up)|PGlite is closed/i.test(e.message)) return true;
  }
  return false;
}

export function failureSource(code: string, err: unknown): NewErrorLog['source'] {
  if (PROVIDER_CODES.has(code)) return 'provider';
  return isDatabaseError(err) ? 'database' : 'genflow';
}

function isErrorBody(x: unknown): x is { code: string; message: string } {
  return !(x instanceof Error) && typeof x === 'object' && x !== null && typeof (x as { code?: unknown }).code === 'string' && typeof (x as { message?: unknown }).message === 'string';
}

export interface FailureSubject {
  generationId?: string;
  provider?: string;
  model?: string;
}

export interface ErrorLogDeps {
  errorLogs?: ErrorLogsRepo;
  logger: Logger;
  /** Masks API keys in messages (providers/provider-gateway.ts `redact`). */
  redact?: (text: string) => string;
}

const MAX_MESSAGE = 2_000;
/** With the provider's answer appended: admins read the whole of it here, and only here. */
const MAX_MESSAGE_WITH_BODY = 20_000;
const WRITE_TIMEOUT_MS = 5_000;

function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // outside an activity
  }
}

/**
 * Writes failures to the error log. A failed write is logged and swallowed: the error log
 * must never be the reason a generation fails or is retried.
 */
export function createErrorLog(deps: ErrorLogDeps) {
  /** `failure` is what an activity threw, or the error a generation finished with. */
  async function record(stage: string, subject: FailureSubject, failure: unknown): Promise<void> {
    if (!deps.errorLogs) return;
    try {
      const body = isErrorBody(failure) ? failure : undefined;
      const err = body ? undefined : failure;
      const code = body?.code ?? (err instanceof ApplicationFailure ? (err.type ?? 'INTERNAL_ERROR') : err instanceof GenflowError ? err.code : 'INTERNAL_ERROR');
      const said = body?.message ?? (err instanceof Error ? err.message : String(err));
      // Users got a short excerpt of an odd provider answer; the error log keeps all of it.
      const answer = responseBodyOf(err);
      const raw = answer ? `${said.slice(0, MAX_MESSAGE)}\n\nprovider answer${answer.status ? ` (HTTP ${answer.status})` : ''}:\n${answer.body}` : said;
      const message = (deps.redact ? deps.redact(raw) : raw).slice(0, answer ? MAX_MESSAGE_WITH_BODY : MAX_MESSAGE);
      const source = failureSource(code, err instanceof Error ? (err.cause ?? err) : err);
      // A database that hangs must not hold the activity: the write gets a few seconds.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('error log write timed out')), WRITE_TIMEOUT_MS);
      });
      try {
        await Promise.race([deps.errorLogs.insert({ ...subject, stage, code, message, attempt: currentAttempt(), source }), timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch (logErr) {
      deps.logger.warn({ err: logErr, stage, ...subject }, 'could not write the error log');
    }
  }

  return {
    record,
    /** Runs an activity body (already mapped to ApplicationFailure) and logs the failure it throws. */
    async logged<T>(stage: string, subject: FailureSubject, body: () => Promise<T>): Promise<T> {
      try {
        return await body();
      } catch (err) {
        // A cancellation is the caller's decision, not a failure.
        const canceled = err instanceof CancelledFailure || (err instanceof ApplicationFailure && (err.type === 'CANCELED' || err.cause instanceof CancelledFailure));
        if (!canceled) await record(stage, subject, err);
        throw err;
      }
    },
  };
}
export type ErrorLog = ReturnType<typeof createErrorLog>;
