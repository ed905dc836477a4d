import type { ErrorBody } from './errors';
import type { GenerationOutput, GenerationWorkflowInput } from './generation';
import type { SearchAttributeValues } from './search-attributes';

// No zod here (the request schemas are in batch-body.ts): workflow code imports this module, and
// every cached workflow evaluates its own copy of the modules it imports (see README, Performance).

/** Limits of one batch, in one place: the API enforces them and the README quotes them. */
export const BatchLimits = {
  /** Most items in one batch. */
  maxItems: 10_000,
  /** Highest `maxConcurrency` a batch may ask for. */
  maxConcurrency: 500,
  /** Used when the request gives no `maxConcurrency`. */
  defaultConcurrency: 10,
  /** Rows inserted per statement when the API records a batch's items. */
  insertChunk: 500,
  /** Children one workflow run starts before it continues as new, keeping its history bounded. */
  childrenPerRun: 500,
  /** Items one `loadBatchPage` call hands to the workflow, by count and by payload size. */
  pageItems: 100,
  pageBytes: 256 * 1024,
  /** Items per page of `GET /v1/batches/:id`. */
  defaultListLimit: 100,
  maxListLimit: 1_000,
} as const;

export const BatchStatus = {
  running: 'running',
  succeeded: 'succeeded',
  partiallyFailed: 'partially_failed',
  failed: 'failed',
  canceled: 'canceled',
} as const;
export type BatchStatus = (typeof BatchStatus)[keyof typeof BatchStatus];

export interface BatchCounts {
  total: number;
  succeeded: number;
  failed: number;
  canceled: number;
  running: number;
  queued: number;
}

/** What a run of `batchWorkflow` hands to the next when it continues as new. */
export interface BatchCursor {
  /** `batch_index` of the next item to start. */
  nextIndex: number;
  succeeded: number;
  failed: number;
  canceled: number;
  /** Set after the first failure of a `stopOnError` batch: nothing new is started. */
  stopped: boolean;
  /** Runs before this one. */
  runs: number;
}

export interface BatchWorkflowInput {
  batchId: string;
  total: number;
  maxConcurrency: number;
  stopOnError: boolean;
  /** Override of BatchLimits.childrenPerRun (tests use a small one to exercise continue-as-new). */
  childrenPerRun?: number;
  cursor?: BatchCursor;
  /** The client's callback URL: the finished batch is POSTed to it, signed. */
  webhookUrl?: string;
}

/** An input image of a batch item that is an earlier item's output: `inputImages[image]` = `{ "fromItem": fromItem }`. */
export interface BatchItemDependency {
  image: number;
  fromItem: number;
}

/** One page of items as the workflow sees it: just what a child workflow needs. */
export interface BatchPageItem {
  index: number;
  input: GenerationWorkflowInput;
  /** Set at submit (api/submission.ts), limited to the attributes the namespace has. */
  searchAttributes?: SearchAttributeValues;
  /** Input images that are earlier items' outputs: the item starts once those items have ended. */
  dependsOn?: BatchItemDependency[];
  /** Set when the item cannot run at all (its model is gone): counted failed, never started. */
  rejected?: ErrorBody;
}

export interface BatchProgress {
  status: BatchStatus;
  counts: BatchCounts;
  progress: number;
  nextIndex: number;
  runs: number;
}

export interface BatchResult {
  status: BatchStatus;
  counts: BatchCounts;
  actualCost: number;
}

/**
 * The final status from the counts: all succeeded → succeeded; some succeeded → partially
 * failed; none succeeded → failed. A canceled batch is canceled whatever finished before.
 */
export function finalBatchStatus(counts: Pick<BatchCounts, 'succeeded' | 'failed' | 'canceled' | 'total'>, canceled: boolean): BatchStatus {
  if (canceled) return 'canceled';
  if (counts.succeeded === counts.total) return 'succeeded';
  if (counts.succeeded > 0) return 'partially_failed';
  return 'failed';
}

/** Share of items that reached a final state. */
export function batchProgress(counts: Pick<BatchCounts, 'succeeded' | 'failed' | 'canceled' | 'total'>): number {
  if (counts.total === 0) return 1;
  return (counts.succeeded + counts.failed + counts.canceled) / counts.total;
}

/** What `GET /v1/batches/:id` answers. */
export interface BatchView {
  id: string;
  status: BatchStatus;
  totalTasks: number;
  counts: BatchCounts;
  progress: number;
  options: { maxConcurrency: number; stopOnError: boolean; webhookUrl?: string };
  estimatedCost: number;
  actualCost?: number;
  createdAt: string;
  completedAt?: string;
  items: Array<{
    index: number;
    generationId: string;
    model: string;
    status: string;
    error?: { code: string; message: string };
    /** Its stored outputs, as on the generation (so a client needs no GET per item). */
    outputs: GenerationOutput[];
    /** Earlier items whose outputs are its input images. */
    dependsOn?: number[];
    /** USD, as on the generation: estimated at submit, and what it cost once it finished. */
    estimatedCost: number;
    cost?: number;
  }>;
  nextCursor?: string;
}

/** One batch of `GET /v1/batches`: the batch without its items. */
export type BatchSummary = Omit<BatchView, 'items' | 'nextCursor'>;
