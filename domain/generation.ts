import { z } from 'zod';
import type { ErrorBody } from './errors';
import type { PreparedInput } from './media';
import { MODEL_KINDS, type ModelKind, type ModelRuntime } from './models';
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
  })
  .strict();

export const createGenerationBody = generationBodyFields.refine((b) => b.model !== undefined || b.kind !== undefined, {
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
  model: ModelRuntime;
  /** When set, this text-to-text request runs first and its text replaces the prompt. */
  enhance?: { request: GenerationRequest; model: ModelRuntime };
  /** Set when an experiment allocated this generation: its outcome is signalled to the experiment. */
  experiment?: { experimentId: string; variantId: string; segment?: string; costUsd: number };
  /** The API request that created it (X-Request-Id), so worker log lines can be joined to it. */
  requestId?: string;
  /** Set by the workflow after prepareInputs; the submit activity hands these to the adapter. */
  preparedInputs?: PreparedInput[];
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
}

export interface GenerationResult {
  status: GenerationStatus;
  assets: StoredAsset[];
  error?: ErrorBody;
}

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
  outputs: Array<{
    id: string;
    url: string;
    contentType: string;
    bytes: number;
    sha256: string;
    width?: number;
    height?: number;
    durationSeconds?: number;
  }>;
  error?: { code: string; message: string; details?: unknown };
  /** The experiment and variant that allocated this generation. */
  experiment?: { id: string; variantId: string; segment?: string };
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
}
