import { randomUUID } from 'node:crypto';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createSearchAttributes, grpcCode, isTemporalUnreachable, startWithSearchAttributes, type SearchAttributes } from './search-attributes';
import { createBatchesRepo } from '../db/batches-repo';
import { createGenerationsRepo } from '../db/generations-repo';
import { createOutboxRepo, type OutboxEntry, type OutboxRepo } from '../db/outbox-repo';
import type { Database } from '../db/schema';
import type { Config } from '../domain/config';
import { carriesStatus } from '../domain/search-attributes';
import type { SearchAttributePair } from '@temporalio/common';
import { GenflowError, type ErrorBody } from '../domain/errors';

export interface OutboxSettings {
  /** Entries waiting before submits are refused with 429 (GENFLOW_OUTBOX_MAX_BACKLOG). */
  maxBacklog: number;
  /** Workflow starts per second this process makes at most (GENFLOW_OUTBOX_START_RATE). */
  startRate: number;
  /** Starts in flight at once in this process (GENFLOW_OUTBOX_CONCURRENCY). */
  concurrency: number;
  /** How often entries written by other processes are looked for (GENFLOW_OUTBOX_POLL_MS). */
  pollMs: number;
  /** How long a claimed entry is this dispatcher's; after it another one may take it. */
  leaseMs: number;
  /** The deadline of one start call; with Temporal down it fails after this and is retried. */
  startDeadlineMs: number;
  /**
   * The share of `startRate` (and of `concurrency`) left to starts while this process's own
   * submits arrive faster than `startRate`, or keep arriving while its event loop is saturated:
   * the accept path goes first, the starts catch up once the burst passes (other processes'
   * dispatchers are not slowed). 1: never yield (GENFLOW_OUTBOX_BUSY_SHARE).
   */
  busyShare: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = {
  maxBacklog: 10_000,
  startRate: 500,
  concurrency: 32,
  pollMs: 500,
  leaseMs: 30_000,
  startDeadlineMs: 5_000,
  busyShare: 0.02,
};

export function outboxSettings(
  config: Pick<Config, 'GENFLOW_OUTBOX_MAX_BACKLOG' | 'GENFLOW_OUTBOX_START_RATE' | 'GENFLOW_OUTBOX_CONCURRENCY' | 'GENFLOW_OUTBOX_POLL_MS' | 'GENFLOW_OUTBOX_BUSY_SHARE'>,
): Partial<OutboxSettings> {
  return {
    maxBacklog: config.GENFLOW_OUTBOX_MAX_BACKLOG,
    startRate: config.GENFLOW_OUTBOX_START_RATE,
    concurrency: config.GENFLOW_OUTBOX_CONCURRENCY,
    pollMs: config.GENFLOW_OUTBOX_POLL_MS,
    busyShare: config.GENFLOW_OUTBOX_BUSY_SHARE,
  };
}

export interface WorkflowOutboxDeps {
  db: Kysely<Database>;
  temporal: Client;
  logger: Logger;
  searchAttributes?: SearchAttributes;
  settings?: Partial<OutboxSettings>;
  /** The task queues whose starts this dispatcher makes (GENFLOW_TASK_QUEUE); default every entry. */
  taskQueues?: readonly string[];
}

/** How long the backlog count is trusted before it is read again (submits read it often). */
const BACKLOG_CACHE_MS = 250;
/** The event loop counts as saturated above this utilisation (busy time over wall time) over a window. */
const BUSY_UTILISATION = 0.85;
/** How often the event loop's utilisation is read again. */
const BUSY_WINDOW_MS = 100;
/** After a failed start the dispatcher pauses, doubling up to this, then probes with one entry. */
const MAX_PAUSE_MS = 5_000;
/** An entry refused for a reason other than Temporal being away waits longer each time, up to this. */
const MAX_ENTRY_DELAY_MS = 60_000;

/**
 * The workflow's arguments for a start carrying these attributes: a generation started with
 * GenflowStatus (the namespace has it) is told it may upsert it; one started without never does.
 */
function startArgs(entry: OutboxEntry, pairs: readonly SearchAttributePair[] | undefined): unknown[] {
  const [first, ...rest] = entry.args;
  if (entry.workflow_type !== 'generationWorkflow' || !carriesStatus(pairs) || typeof first !== 'object' || first === null) return entry.args;
  return [{ ...first, statusSearchAttribute: true }, ...rest];
}

/** Refusals that will not change on a retry (a malformed start); anything else may pass. */
const isPermanent = (err: unknown) => grpcCode(err) === 3; // INVALID_ARGUMENT

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The transactional outbox of workflow starts. A submit writes its row and an outbox entry in
 * one transaction and answers; the dispatcher of every API and worker process claims entries
 * (SKIP LOCKED, under a lease) and starts their workflows at a bounded rate and concurrency.
 * The workflow id is the entry's, and starts reject a duplicate id, so an entry started twice
 * (a dispatcher died between the start and the delete) still makes one workflow. Temporal
 * being away only delays starts; the backlog is bounded by refusing submits (429) past
 * `maxBacklog`.
 */
export function createWorkflowOutbox(deps: WorkflowOutboxDeps) {
  const settings = { ...DEFAULT_OUTBOX_SETTINGS, ...deps.settings };
  const { temporal, logger } = deps;
  const repo: OutboxRepo = createOutboxRepo(deps.db, deps.taskQueues);
  const generations = createGenerationsRepo(deps.db);
  const batches = createBatchesRepo(deps.db);
  const searchAttributes = deps.searchAttributes ?? createSearchAttributes(temporal, logger);
  const token = randomUUID();

  let running = false;
  let pumping = false;
  let pumpAgain = false;
  let inFlight = 0;
  let pollTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let woken: NodeJS.Immediate | undefined;
  let pauseMs = 0;
  let pausedUntil = 0;
  /** Claimed and not yet started: at most one more window (concurrency), and no more than a second of starts. */
  const ready: OutboxEntry[] = [];
  const prefetch = Math.max(0, Math.min(settings.concurrency, Math.floor(settings.startRate)));
  /** Hands the claimed, unstarted entries back at once (stopping, or Temporal away) instead of at their lease's end. */
  async function unclaimReady(): Promise<void> {
    const entries = ready.splice(0, ready.length);
    if (entries.length === 0) return;
    await repo.unclaim(entries.map((e) => e.id), token).catch((err: unknown) => logger.warn({ err, entries: entries.length }, 'could not hand back claimed workflow outbox entries; their lease ends them'));
  }
  const idle = new Set<() => void>();

  // Whether the accept path needs this process: over the last window its own submits arrived
  // faster than its dispatcher may start them at all (the backlog grows either way, and every
  // start costs this process and the Temporal server CPU the submits need: on two shared cores a
  // dispatcher starting at full rate halved what a cluster accepted, README Performance), or kept
  // arriving while the event loop was saturated. A dispatcher draining a backlog alone never yields.
  let window: { elu: EventLoopUtilization; at: number; submits: number } = { elu: performance.eventLoopUtilization(), at: Date.now(), submits: 0 };
  let busy = false;
  function busyNow(now: number): boolean {
    if (settings.busyShare >= 1 || now - window.at < BUSY_WINDOW_MS) return busy;
    const elu = performance.eventLoopUtilization();
    const arrivals = (window.submits * 1000) / (now - window.at);
    busy = window.submits > 0 && (arrivals > settings.startRate || performance.eventLoopUtilization(elu, window.elu).utilization > BUSY_UTILISATION);
    window = { elu, at: now, submits: 0 };
    return busy;
  }
  const rate = () => (busy ? settings.startRate * settings.busyShare : settings.startRate);
  const burst = () => (busy ? Math.max(1, Math.floor(settings.concurrency * settings.busyShare)) : settings.concurrency);

  // Token bucket: `startRate` per second, bursts up to `concurrency` (both shrunk while busy).
  let tokens = settings.concurrency;
  let refilledAt = Date.now();
  function refill(): void {
    const now = Date.now();
    busyNow(now);
    tokens = Math.min(burst(), tokens + ((now - refilledAt) / 1000) * rate());
    refilledAt = now;
  }

  let backlog: { n: number; at: number; added: number } | undefined;
  let counting: Promise<number> | undefined;
  async function backlogEstimate(): Promise<number> {
    if (backlog && Date.now() - backlog.at < BACKLOG_CACHE_MS) return backlog.n + backlog.added;
    counting ??= repo
      .backlog(settings.maxBacklog + 1)
      .then((n) => {
        backlog = { n, at: Date.now(), added: 0 };
        return n;
      })
      .finally(() => {
        counting = undefined;
      });
    return counting;
  }

  function later(ms: number): void {
    if (!running || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void pump();
    }, ms);
    retryTimer.unref();
  }

  /** Records the final state of something that will never start (canceled, or refused for good). */
  async function finishUnstarted(entry: OutboxEntry, status: 'canceled' | 'failed', error: ErrorBody): Promise<void> {
    if (entry.generation_id) await generations.finish(entry.generation_id, status, error);
    if (entry.batch_id) {
      await batches.cancelUnstarted(entry.batch_id, 0, error);
      await batches.finish(entry.batch_id, status);
    }
  }

  async function cancelStarted(workflowId: string): Promise<void> {
    await temporal.workflow
      .getHandle(workflowId)
      .cancel()
      .catch((err: unknown) => logger.warn({ err, workflowId }, 'canceling a workflow whose cancel came while it started failed'));
  }

  /** An entry taken from this dispatcher after its start: if it was canceled meanwhile, cancel what started. */
  async function settleLost(entry: OutboxEntry): Promise<void> {
    const status = entry.generation_id
      ? (await generations.findById(entry.generation_id))?.status
      : entry.batch_id
        ? (await batches.findById(entry.batch_id))?.status
        : undefined;
    if (status === 'canceled') await cancelStarted(entry.workflow_id);
  }

  // Deletes of started entries, batched: one statement for all that finished since the last one.
  const started: OutboxEntry[] = [];
  let flushing: Promise<void> | undefined;
  function flush(): Promise<void> {
    flushing ??= (async () => {
      while (started.length > 0) {
        const batch = started.splice(0, started.length);
        try {
          const done = await repo.complete(batch.map((e) => e.id), token);
          const held = new Map(done.map((d) => [String(d.id), d]));
          for (const entry of batch) {
            const d = held.get(String(entry.id));
            if (d?.cancel_requested) await cancelStarted(entry.workflow_id);
            else if (!d) await settleLost(entry);
          }
        } catch (err) {
          // The entries stay; when their lease ends they are started again, which is a no-op.
          logger.warn({ err, entries: batch.length }, 'could not remove started entries from the workflow outbox');
        }
      }
    })().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  async function startOne(entry: OutboxEntry): Promise<void> {
    const log = { workflowId: entry.workflow_id, generationId: entry.generation_id ?? undefined, batchId: entry.batch_id ?? undefined };
    try {
      if (entry.cancel_requested) {
        await finishUnstarted(entry, 'canceled', { code: 'CANCELED', message: 'canceled before it started' });
        await repo.drop(entry.id, token);
        return;
      }
      try {
        // One deadline for the attribute check (first start only) and the start: with Temporal
        // away the call fails after it instead of retrying inside the client for long.
        await temporal.connection.withDeadline(Date.now() + settings.startDeadlineMs, async () =>
          startWithSearchAttributes(
            await searchAttributes.pairs(entry.search_attributes, { strict: true }),
            (extra) =>
              temporal.workflow.start(entry.workflow_type, {
                taskQueue: entry.task_queue,
                workflowId: entry.workflow_id,
                args: startArgs(entry, extra.typedSearchAttributes),
                // A start repeated after the workflow finished must not run it a second time.
                workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
                ...extra,
              }),
            logger,
          ),
        );
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      pauseMs = 0;
      started.push(entry);
      void flush();
    } catch (err) {
      if (isPermanent(err)) {
        logger.error({ err, ...log }, 'the workflow start was refused; the generation fails');
        await finishUnstarted(entry, 'failed', { code: 'INTERNAL_ERROR', message: `the workflow could not be started: ${message(err)}` }).catch(() => undefined);
        await repo.drop(entry.id, token).catch(() => undefined);
        return;
      }
      const unreachable = isTemporalUnreachable(err);
      if (unreachable) {
        // Temporal is away: everything waits, so pause the dispatcher rather than each entry.
        pauseMs = Math.min(MAX_PAUSE_MS, Math.max(250, pauseMs * 2));
        pausedUntil = Date.now() + pauseMs;
        later(pauseMs);
        // Nothing starts for a while: the claimed ones are free for any dispatcher to take.
        await unclaimReady();
      }
      const delay = unreachable ? 0 : Math.min(MAX_ENTRY_DELAY_MS, 500 * 2 ** Math.min(16, entry.attempts));
      logger.warn({ err, ...log, attempts: entry.attempts, retryInMs: Math.max(delay, unreachable ? pauseMs : 0) }, 'starting a workflow from the outbox failed; it is retried');
      const released = await repo.release(entry.id, token, delay, message(err)).catch(() => undefined);
      // Canceled while this start was failing: it never runs, so it ends now.
      if (released?.cancelRequested) {
        await finishUnstarted(entry, 'canceled', { code: 'CANCELED', message: 'canceled before it started' });
        await repo.drop(entry.id, token);
      }
    }
  }

  /** Claims and starts while there is room (concurrency), budget (rate) and work; one pump at a time. */
  async function pump(): Promise<void> {
    if (!running) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        for (;;) {
          if (!running) break;
          const now = Date.now();
          if (now < pausedUntil) {
            later(pausedUntil - now);
            break;
          }
          refill();
          // Paused before: one entry probes whether Temporal is back.
          const room = Math.min(burst() - inFlight, Math.floor(tokens), pauseMs > 0 ? 1 - inFlight : 100);
          if (room <= 0) {
            if (tokens < 1) later(Math.ceil(((1 - tokens) / rate()) * 1000));
            break;
          }
          if (ready.length < room) {
            // Claims what there is room for now plus the next window, so a finished start is
            // followed by the next at once rather than after a claim's round trip each.
            const want = pauseMs > 0 ? room - ready.length : room + prefetch - ready.length;
            try {
              ready.push(...(await repo.claim(want, settings.leaseMs, token)));
            } catch (err) {
              logger.warn({ err }, 'could not claim workflow outbox entries; retrying');
              later(settings.pollMs);
              break;
            }
            if (!running) {
              await unclaimReady();
              break;
            }
          }
          const claimed = ready.splice(0, room);
          tokens -= claimed.length;
          for (const entry of claimed) {
            inFlight++;
            void startOne(entry).finally(() => {
              inFlight--;
              if (inFlight === 0) {
                for (const resolve of idle) resolve();
                idle.clear();
              }
              void pump();
            });
          }
          if (claimed.length < room) break;
        }
      } while (pumpAgain && running);
    } finally {
      pumping = false;
    }
  }

  return {
    repo,
    settings,

    /** Refuses a submit while too many starts wait: the queue is bounded, the client told when to retry. */
    async admit(): Promise<void> {
      const n = await backlogEstimate();
      if (n < settings.maxBacklog) return;
      const seconds = Math.min(60, Math.max(1, Math.ceil(n / settings.startRate)));
      throw new GenflowError('RATE_LIMITED', `too many generations are waiting to start (${n}); retry in ${seconds} s`, {
        details: { backlog: n, maxBacklog: settings.maxBacklog },
        retryAfterMs: seconds * 1000,
      });
    },

    /**
     * A local commit wrote an entry: start it now rather than at the next poll. After the
     * current turn of the event loop, so the submit's answer goes out first and the entries of
     * the submits committed meanwhile are claimed together.
     */
    wake(): void {
      if (backlog) backlog.added++;
      window.submits++;
      if (woken) return;
      woken = setImmediate(() => {
        woken = undefined;
        void pump();
      });
    },

    /** Begins dispatching: entries of this process at once (wake), others' at each poll. */
    start(): void {
      if (running) return;
      running = true;
      pollTimer = setInterval(() => void pump(), settings.pollMs);
      pollTimer.unref();
      void pump();
    },

    /** Stops claiming; the starts in flight finish (bounded by their deadline) and are recorded. */
    async stop(): Promise<void> {
      running = false;
      clearInterval(pollTimer);
      clearTimeout(retryTimer);
      retryTimer = undefined;
      if (inFlight > 0) await new Promise<void>((resolve) => idle.add(resolve));
      await unclaimReady();
      await flush();
    },
  };
}
export type WorkflowOutbox = ReturnType<typeof createWorkflowOutbox>;
