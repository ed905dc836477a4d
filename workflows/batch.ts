import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineQuery,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BatchActivities } from '../activities/batch-activities';
import {
  BatchLimits,
  batchProgress,
  finalBatchStatus,
  type BatchCounts,
  type BatchCursor,
  type BatchPageItem,
  type BatchProgress,
  type BatchResult,
  type BatchStatus,
  type BatchWorkflowInput,
} from '../domain/batch';
import { searchAttributePairs } from '../domain/search-attributes';
import { generationWorkflowId } from '../domain/task-queues';
import { notifyClient } from './client-callback';
import { generationWorkflow } from './generation';

/** Bookkeeping against our own database: retried until it works, so an outage only delays. */
const bookkeeping = proxyActivities<BatchActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const batchProgressQuery = defineQuery<BatchProgress>('batchProgress');

/** Children are started with the search attributes recorded at submit (model, provider, kind, batch, owner). */
export const CHILD_SEARCH_ATTRIBUTES_PATCH = 'batch-child-search-attributes';
/** Items may take earlier items' outputs as input images (`{"fromItem": n}`): started once those ended. */
export const ITEM_DEPENDENCIES_PATCH = 'batch-item-dependencies';

interface State extends BatchCursor {
  running: number;
  status: BatchStatus;
}

/**
 * Runs a batch's items as child generation workflows, at most `maxConcurrency` at a time.
 *
 * Bounded memory: items live in Postgres and come in a page at a time; the workflow holds one
 * page and the running children. Bounded history: after `childrenPerRun` children (or when
 * Temporal suggests it) the run waits for its children to finish and continues as new with the
 * cursor and counters. Waiting first matters: a child must finish under the run that started
 * it, or its result would be lost to the next run. Temporal's `continueAsNewSuggested` (set
 * by history size as well as length) also ends a run early, e.g. for items with large inputs.
 */
export async function batchWorkflow(input: BatchWorkflowInput): Promise<BatchResult> {
  const cursor: BatchCursor = input.cursor ?? { nextIndex: 0, succeeded: 0, failed: 0, canceled: 0, stopped: false, runs: 0 };
  const state: State = { ...cursor, running: 0, status: 'running' };
  const perRun = input.childrenPerRun ?? BatchLimits.childrenPerRun;
  const counts = (): BatchCounts => {
    const done = state.succeeded + state.failed + state.canceled;
    return {
      total: input.total,
      succeeded: state.succeeded,
      failed: state.failed,
      canceled: state.canceled,
      running: state.running,
      queued: Math.max(0, input.total - done - state.running),
    };
  };
  setHandler(batchProgressQuery, () => ({
    status: state.status,
    counts: counts(),
    progress: batchProgress(counts()),
    nextIndex: state.nextIndex,
    runs: state.runs + 1,
  }));

  const onFailure = () => {
    state.failed += 1;
    if (input.stopOnError) state.stopped = true;
  };

  // Items started by this run, and those of them that have ended: an item whose input is an
  // earlier item's output waits for that item only if it was started by this run (earlier runs
  // waited for all their children before continuing as new).
  const startedHere = new Set<number>();
  const endedHere = new Set<number>();

  function runChild(item: BatchPageItem, childInput: BatchPageItem['input']): Promise<void> {
    const attributes = item.searchAttributes && patched(CHILD_SEARCH_ATTRIBUTES_PATCH) ? searchAttributePairs(item.searchAttributes) : [];
    // The generation records its own state; the parent only counts the outcome.
    return executeChild(generationWorkflow, {
      workflowId: generationWorkflowId(item.input.generationId),
      args: [childInput],
      taskQueue: workflowInfo().taskQueue,
      memo: { batchId: input.batchId, batchIndex: item.index },
      ...(attributes.length > 0 ? { typedSearchAttributes: attributes } : {}),
      // Terminating a batch still lets each child record itself as canceled.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    }).then(
      () => {
        state.succeeded += 1;
      },
      (err: unknown) => {
        if (isCancellation(err) || (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'CANCELED')) {
          state.canceled += 1;
        } else {
          onFailure();
        }
      },
    );
  }

  /**
   * An item whose input images are earlier items' outputs: it holds its place in the window
   * while it waits for them to end, then gets their outputs as its inputs, or is recorded
   * failed (DEPENDENCY_FAILED) without starting when one of them did not succeed.
   */
  async function runDependent(item: BatchPageItem, dependsOn: NonNullable<BatchPageItem['dependsOn']>): Promise<void> {
    try {
      await condition(() => dependsOn.every((d) => !startedHere.has(d.fromItem) || endedHere.has(d.fromItem)));
      const resolved = await bookkeeping.resolveBatchItemInputs(input.batchId, item.input, dependsOn);
      if ('rejected' in resolved) {
        onFailure();
        return;
      }
      await runChild(item, resolved.input);
    } catch (err) {
      // Canceled while waiting: still queued, so the batch's cancel records it with the unstarted ones.
      if (!isCancellation(err)) throw err;
    }
  }

  function start(item: BatchPageItem): void {
    state.running += 1;
    const dependsOn = item.dependsOn && item.dependsOn.length > 0 && patched(ITEM_DEPENDENCIES_PATCH) ? item.dependsOn : undefined;
    startedHere.add(item.index);
    void (dependsOn ? runDependent(item, dependsOn) : runChild(item, item.input)).finally(() => {
      state.running -= 1;
      endedHere.add(item.index);
    });
  }

  let exhausted = false;
  try {
    let startedThisRun = 0;
    let page: BatchPageItem[] = [];
    while (!state.stopped && startedThisRun < perRun && !workflowInfo().continueAsNewSuggested) {
      if (page.length === 0) {
        page = await bookkeeping.loadBatchPage(input.batchId, state.nextIndex, perRun - startedThisRun);
        if (page.length === 0) {
          exhausted = true;
          break;
        }
      }
      await condition(() => state.running < input.maxConcurrency || state.stopped);
      if (state.stopped) break;
      const item = page.shift()!;
      state.nextIndex = item.index + 1;
      if (item.rejected) {
        await bookkeeping.rejectBatchItem(item.input.generationId, item.rejected);
        onFailure();
        continue;
      }
      start(item);
      startedThisRun += 1;
    }
    await condition(() => state.running === 0);
    if (!state.stopped && !exhausted && state.nextIndex < input.total) {
      const next: BatchCursor = {
        nextIndex: state.nextIndex,
        succeeded: state.succeeded,
        failed: state.failed,
        canceled: state.canceled,
        stopped: false,
        runs: state.runs + 1,
      };
      return await continueAsNew<typeof batchWorkflow>({ ...input, cursor: next });
    }
    if (state.stopped) {
      state.canceled += await bookkeeping.cancelUnstartedItems(input.batchId, state.nextIndex, 'not started: the batch stopped after a failure');
    }
    state.status = finalBatchStatus(counts(), false);
    const { actualCost, counts: recorded } = await bookkeeping.finishBatch(input.batchId, state.status);
    if (input.webhookUrl) await notifyClient({ kind: 'batch', id: input.batchId, url: input.webhookUrl, deliveryId: input.batchId });
    return { status: state.status, counts: recorded, actualCost };
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Children received the cancel with this scope; wait until each has recorded its end.
    await CancellationScope.nonCancellable(async () => {
      await condition(() => state.running === 0);
      // Every item still queued now will never run: unstarted ones, and children cancelled
      // before they could record that they were running.
      state.canceled += await bookkeeping.cancelUnstartedItems(input.batchId, 0, 'canceled with its batch');
      state.status = 'canceled';
      await bookkeeping.finishBatch(input.batchId, 'canceled');
      if (input.webhookUrl) await notifyClient({ kind: 'batch', id: input.batchId, url: input.webhookUrl, deliveryId: input.batchId });
    });
    throw err;
  }
}
