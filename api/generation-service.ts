import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Admission, Principal } from '../domain/accounts';
import { GenflowError } from '../domain/errors';
import type { CreateGenerationBody } from '../domain/generation';
import { isTerminal, type GenerationStatus } from '../domain/status';
import { TaskQueue } from '../domain/task-queues';
import type { GenerationsRepo } from '../db/generations-repo';
import type { WorkflowOutbox } from '../runtime/workflow-outbox';
import type { GenerationRow } from '../db/schema';
import type { ModelSelection } from '../providers/model-selection';
import type { Storage } from '../media/storage/types';
import type { ExperimentAssignment } from './experiment-service';
import type { CallerContext } from './request-logging';
import {
  BUILT_IN_SELECTION,
  checkSubmission,
  generationSearchAttributes,
  outboxStart,
  prepareSubmission,
  workflowInput,
  type SubmissionContext,
  type SubmissionSettings,
  type SubmissionChecks,
} from './submission';

// The checks moved to ./submission (one submission path); re-exported for existing callers.
export { checkSubmission, enhancementRequest, normalizeRequest, resolveFallbacks } from './submission';

export interface GenerationServiceDeps {
  repo: GenerationsRepo;
  temporal: Client;
  logger: Logger;
  taskQueue?: string;
  /** Default models per kind and the prompt enhancer; built-in defaults without it. */
  modelSelection?: ModelSelection;
  allowLoopbackInputs?: boolean;
  /** Where inline images are put so the row and the workflow input only carry references. */
  storage?: Storage;
  /** Provider settings (rate limits route provider calls); default process.env. */
  env?: Record<string, string | undefined>;
  /** GENFLOW_WEBHOOK_SECRET: without it, requests with a `webhookUrl` are refused (nothing could sign). */
  webhookSecret?: string;
  /** Where workflow starts are recorded (with the row) for the dispatchers to make. */
  outbox: SubmitOutbox;
  /** Admin-set parameter defaults per model (provider config API). */
  modelDefaults?: SubmissionChecks['modelDefaults'];
  /** Refuses a submit at once when its model's provider has no key (api/submit-checks.ts). */
  requireProvider?: SubmissionChecks['requireProvider'];
}

/** What a submit needs of the workflow outbox (runtime/workflow-outbox.ts). */
export type SubmitOutbox = Pick<WorkflowOutbox, 'repo' | 'admit' | 'wake'>;

/** How long a cancel waits for Temporal before answering 503 UNAVAILABLE. */
const CANCEL_DEADLINE_MS = 5_000;

export function createGenerationService(deps: GenerationServiceDeps) {
  const { repo, temporal, logger, outbox } = deps;
  const taskQueue = deps.taskQueue ?? TaskQueue.generations;
  const selection = deps.modelSelection ?? BUILT_IN_SELECTION;
  const settings: SubmissionSettings = { selection, env: deps.env ?? process.env, storage: deps.storage };

  return {
    /**
     * Records the generation and its workflow start (an outbox entry) in one transaction and
     * returns: the outbox dispatchers start the workflow, at once when Temporal is there, later
     * when it is not. Past the outbox's backlog limit the submit is refused (429 RATE_LIMITED).
     */
    async create(
      body: CreateGenerationBody,
      idempotencyKey?: string,
      experiment?: ExperimentAssignment,
      caller?: Principal,
      context: CallerContext = {},
    ): Promise<{ row: GenerationRow; created: boolean }> {
      const log = context.log ?? logger;
      const checked = await checkSubmission(body, selection, deps);
      const id = randomUUID();
      // Idempotency keys are per owner: another caller's key neither collides nor reveals a row.
      const scopedKey = idempotencyKey === undefined ? null : caller ? `${caller.owner}\n${idempotencyKey}` : idempotencyKey;
      // Before the transaction (PGlite has one connection); a repeat of an accepted request is
      // answered even over the limit, since it adds nothing to the backlog.
      await outbox.admit().catch(async (err: unknown) => {
        if (scopedKey === null || !(await repo.findByIdempotencyKey(scopedKey))) throw err;
      });
      const submission: SubmissionContext = { id, caller, experiment, idempotencyKey: scopedKey, requestId: context.requestId };
      const { row: newRow, start, discard } = await prepareSubmission(checked, settings, submission);
      const hash = newRow.request_hash;
      const admission: Admission | undefined = caller
        ? { keyId: caller.keyId, owner: caller.owner, maxConcurrentGenerations: caller.maxConcurrentGenerations, ...(caller.budgeted !== undefined ? { budgeted: caller.budgeted } : {}) }
        : undefined;
      // The start commits with the row: one statement when nothing needs checking (db/generations-repo.ts).
      const { row, created } = await repo.insert(newRow, admission, undefined, outboxStart(newRow, start, taskQueue)).catch(async (err: unknown) => {
        // Refused (budget, concurrency): the images stashed for it are not needed.
        await discard();
        throw err;
      });
      // A duplicate (same Idempotency-Key) keeps the first request's uploads; this one's are spare.
      if (!created) await discard();
      if (!created && row.request_hash !== hash) {
        throw new GenflowError('CONFLICT', 'Idempotency-Key was already used with a different request', {
          details: { generationId: row.id },
        });
      }
      if (!created && row.status === 'queued') {
        // A repeat of an accepted request whose workflow has not run yet: make sure a start is
        // on its way (a no-op when its entry is still waiting, or its workflow already exists).
        const again = { ...submission, id: row.id };
        await outbox.repo.enqueue(outboxStart(row, { input: workflowInput(checked, settings, again, row.input_images), searchAttributes: generationSearchAttributes(row, again) }, taskQueue));
      }
      if (created || row.status === 'queued') outbox.wake();
      log.info({ generationId: row.id, workflowId: row.workflow_id, model: row.model, created }, created ? 'generation accepted' : 'generation request repeated');
      return { row, created };
    },

    /**
     * Cancels a generation that has not finished: the workflow cancels the provider job and
     * records `canceled`. Waits briefly for that so the answer usually shows the final state.
     */
    async cancel(row: GenerationRow): Promise<GenerationRow> {
      if (isTerminal(row.status as GenerationStatus)) {
        throw new GenflowError('CONFLICT', `generation is already ${row.status}`, { details: { status: row.status } });
      }
      // Not started yet: its outbox entry is removed, so no dispatcher starts it later.
      const unstarted = row.status === 'queued' ? await outbox.repo.cancel(row.workflow_id) : 'absent';
      if (unstarted === 'removed') {
        await repo.finish(row.id, 'canceled', { code: 'CANCELED', message: 'canceled before it started' });
      } else if (unstarted === 'absent') {
        try {
          // Bounded like the starts: with Temporal down the client would retry for ~20 s; the
          // caller gets a prompt 503 UNAVAILABLE and may cancel again.
          await temporal.connection.withDeadline(Date.now() + CANCEL_DEADLINE_MS, () => temporal.workflow.getHandle(row.workflow_id).cancel());
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          // Accepted before the outbox existed and never started: nothing runs, so record it here.
          await repo.finish(row.id, 'canceled', { code: 'CANCELED', message: 'canceled before it started' });
        }
      }
      // 'flagged': a dispatcher is starting it right now; it cancels what it started, or drops it.
      const deadline = Date.now() + 5_000;
      for (;;) {
        const current = (await repo.findById(row.id)) ?? row;
        if (isTerminal(current.status as GenerationStatus) || Date.now() > deadline) return current;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
export type GenerationService = ReturnType<typeof createGenerationService>;
