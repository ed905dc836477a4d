import { z } from 'zod';
import { MAX_FALLBACK_MODELS, type GenerationAttempt } from './attempts';
import type { CostSource } from './charges';
import type { ErrorBody } from './errors';
import type { PreparedInput } from './media';
import { MODEL_KINDS, type ModelKind, type WorkflowModel } from './models';
import type { GenerationStatus } from './status';

export const MAX_PROMPT_LENGTH = 10_000;
export const MAX_INPUT_IMAGES = 16;

/**
 * Client metadata linking a generation to the caller's own records (project, episode, shot
 * ids). Flat and small: it is stored with every row and indexed for filtering.
 */
export const metadataSchema = z
  .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'keys are 1-64 letters, digits, _ . -'), z.union([z.string().max(256), z.number(), z.boolean()]))
  .refine((m) => Object.keys(m).length <= 32, 'at most 32 keys');

/** The body of `POST /v1/generations`. Unknown keys are rejected so typos surface at once. */
/** The fields of a generation request, before the rule that one of model/kind is given. */
export const generationBodyFields = z
  .object({
    /** The model; or give `kind` and the configured default model for that kind is used. */
    model: z.string().min(1).max(200).optional(),
    kind: z.enum(MODEL_KINDS).optional(),
    prompt: z.string().trim().min(1, 'prompt must not be empty').max(MAX_PROMPT_LENGTH),
    parameters: z.record(z.string(), z.unknown()).optional(),
    inputImages: z.array(z.string().min(1).max(10_000_000)).max(MAX_INPUT_IMAGES).optional(),
    numberOfOutputs: z.number().int().min(1).max(4).optional(),
    metadata: metadataSchema.optional(),
    /** Rewrite the prompt with the configured text-to-text model before generating. */
    enhancePrompt: z.boolean().optional(),
    /** Models of the same kind tried in order when the model's provider fails (see domain/attempts.ts). */
    fallbackModels: z.array(z.string().min(1).max(200)).max(MAX_FALLBACK_MODELS).optional(),
    /** Told the final generation (succeeded, failed or canceled) by a signed POST. */
    webhookUrl: z.url({ protocol: /^https?$/ }).max(2_000).optional(),
    /** Attach it to a studio frame or shot (one of them); it inherits the project's defaults. */
    frameId: z.uuid().optional().describe("Attach the generation to this studio frame; the request inherits its project's defaults"),
    shotId: z.uuid().optional().describe("Attach the generation to this studio shot; the request inherits its project's defaults"),
  })
  .strict();

// With a frameId or shotId the project's default model may fill in (api/studio-attach.ts).
export const createGenerationBody = generationBodyFields.refine((b) => b.model !== undefined || b.kind !== undefined || b.frameId !== undefined || b.shotId !== undefined, {
    path: ['model'],
    message: 'give `model`, or `kind` to use the default model for that kind',
  });
export type CreateGenerationBody = z.infer<typeof createGenerationBody>;

/** A validated request, with the model's defaults applied. Crosses into workflow code. */
export interface GenerationRequest {
  model: string;
  kind: ModelKind;
  prompt: string;
  parameters: Record<string, unknown>;
  inputImages: string[];
  numberOfOutputs: number;
}

export interface GenerationWorkflowInput {
  generationId: string;
  request: GenerationRequest;
  model: WorkflowModel;
  /** When set, this text-to-text request runs first and its text replaces the prompt. */
  enhance?: { request: GenerationRequest; model: WorkflowModel };
  /** Set when an experiment allocated this generation: its outcome is signalled to the experiment. */
  experiment?: { experimentId: string; variantId: string; segment?: string; costUsd: number };
  /** The API request that created it (X-Request-Id), so worker log lines can be joined to it. */
  requestId?: string;
  /** Set by the workflow after prepareInputs; the submit activity hands these to the adapter. */
  preparedInputs?: PreparedInput[];
  /** Tried in order after the model fails with a code that falls back (domain/attempts.ts). */
  fallbacks?: Array<{ request: GenerationRequest; model: WorkflowModel }>;
  /** The client's callback URL: the final generation is POSTed to it, signed. */
  webhookUrl?: string;
  /** Continue-as-new once the run's history has this many events (default a few thousand). */
  maxHistoryEvents?: number;
  /** Set when a run continued as new while waiting for a provider task. */
  resume?: WaitResume;
  /**
   * Set by the starter when the namespace has the GenflowStatus search attribute (and the start
   * carries it): the workflow then upserts it as the status changes. Without it nothing is
   * upserted, since an unregistered attribute would fail the workflow task.
   */
  statusSearchAttribute?: boolean;
}

/** What a run waiting for a provider task hands to the next run (continue-as-new). */
export interface WaitResume {
  /** Index into [model, ...fallbacks] of the model whose task is awaited. */
  candidate: number;
  taskId: string;
  /** Workflow time the wait started and polls made so far, so the deadline and backoff carry over. */
  waitStartedMs: number;
  polls: number;
  attempts: GenerationAttempt[];
  attemptStartedAt: string;
  /** The prompt after enhancement, which the next run must not redo. */
  prompt: string;
}

/** A provider webhook for the task a generation waits on: the workflow polls at once. */
export interface ProviderUpdate {
  taskId: string;
}

/** Who chose the model: the caller, or the configured default for the requested kind. */
export type ModelSelectedBy = 'request' | 'default';

/** One stored output, as recorded in the `assets` table. */
export interface StoredAsset {
  id: string;
  index: number;
  storageKey: string;
  contentType: string;
  bytes: number;
  sha256: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

export interface GenerationProgress {
  status: GenerationStatus;
  progress: number;
  providerTaskId?: string;
  polls: number;
  enhancedPrompt?: string;
  /** The model being tried now (a fallback after the first failed). */
  model?: string;
  attempts?: GenerationAttempt[];
}

export interface GenerationResult {
  status: GenerationStatus;
  assets: StoredAsset[];
  error?: ErrorBody;
}

/** One stored output as the API shows it (a generation's, or a batch item's): its URL, not where it is stored. */
export type GenerationOutput = Omit<StoredAsset, 'index' | 'storageKey'> & { url: string };

/** What `GET /v1/generations/:id` answers. */
export interface GenerationView {
  id: string;
  model: string;
  provider: string;
  kind: string;
  status: GenerationStatus;
  progress: number;
  prompt: string;
  /** The prompt the model got, when the request asked for `enhancePrompt`. */
  enhancedPrompt?: string;
  modelSelectedBy: ModelSelectedBy;
  parameters: Record<string, unknown>;
  metadata: Record<string, unknown>;
  outputs: GenerationOutput[];
  error?: { code: string; message: string; details?: unknown };
  /** The experiment and variant that allocated this generation. */
  experiment?: { id: string; variantId: string; segment?: string };
  /** The model that produced the outputs; differs from `model` after a fallback. */
  resultModel?: string;
  /** Fallback models named by the request or configuration, in order. */
  fallbackModels?: string[];
  /** Every model tried, with its outcome; set once the generation finished. */
  attempts?: GenerationAttempt[];
  /** USD: the price-table estimate reserved on submit, and (once finished) what it cost. */
  estimatedCost: number;
  cost?: number;
  /** Where `cost` came from: the provider's reported charge, or the estimate of the producing model. */
  costSource?: CostSource;
  /** Why a cost is not just the producing model's price (a provider charged for a failed attempt). */
  costReason?: string;
  webhookUrl?: string;
  /** Where it is attached in the studio: a shot, or a frame. */
  shotId?: string;
  frameId?: string;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
}
