import { z } from 'zod';
import type { ErrorBody } from './errors';
import type { PreparedInput } from './media';
import type { ModelKind, ModelRuntime } from './models';
import type { GenerationStatus } from './status';

export const MAX_PROMPT_LENGTH = 10_000;
export const MAX_INPUT_IMAGES = 16;

/** The body of `POST /v1/generations`. Unknown keys are rejected so typos surface at once. */
export const createGenerationBody = z
  .object({
    model: z.string().min(1).max(200),
    prompt: z.string().trim().min(1, 'prompt must not be empty').max(MAX_PROMPT_LENGTH),
    parameters: z.record(z.string(), z.unknown()).optional(),
    inputImages: z.array(z.string().min(1).max(10_000_000)).max(MAX_INPUT_IMAGES).optional(),
    numberOfOutputs: z.number().int().min(1).max(4).optional(),
  })
  .strict();
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
  /** Set by the workflow after prepareInputs; the submit activity hands these to the adapter. */
  preparedInputs?: PreparedInput[];
}

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
  parameters: Record<string, unknown>;
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
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
}
