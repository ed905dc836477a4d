import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { GenflowError } from '../domain/errors';
import type { CreateGenerationBody, GenerationRequest, GenerationWorkflowInput } from '../domain/generation';
import type { ModelKind } from '../domain/models';
import { generationWorkflowId, TaskQueue } from '../domain/task-queues';
import type { GenerationsRepo } from '../db/generations-repo';
import type { GenerationRow } from '../db/schema';
import { estimateCost, modelRuntime } from '../providers/model-runtime';
import { findModel, type ModelEntry } from '../providers/registry';
import { parseOrThrow } from './validate';

export interface GenerationServiceDeps {
  repo: GenerationsRepo;
  temporal: Client;
  logger: Logger;
  taskQueue?: string;
  /** Provider settings (rate limits route provider calls); default process.env. */
  env?: Record<string, string | undefined>;
}

function chooseKind(entry: ModelEntry, hasImages: boolean): ModelKind {
  const kinds = entry.model.kinds;
  const imageKind = kinds.find((k) => k.startsWith('image-to-') || k === 'upscale');
  const textKind = kinds.find((k) => !k.startsWith('image-to-') && k !== 'upscale');
  const kind = hasImages ? (imageKind ?? textKind) : textKind;
  if (!kind) {
    throw new GenflowError('INVALID_PARAMETERS', `inputImages: model ${entry.model.id} needs at least one input image`, {
      details: { issues: [{ field: 'inputImages', message: 'at least one input image is required' }] },
    });
  }
  return kind;
}

/** Validates a request against its model and applies the model's defaults. */
export function normalizeRequest(body: CreateGenerationBody): { request: GenerationRequest; entry: ModelEntry } {
  const entry = findModel(body.model);
  if (!entry) {
    throw new GenflowError('INVALID_REQUEST', `model: unknown model '${body.model}' (GET /v1/models lists them)`, {
      details: { issues: [{ field: 'model', message: 'unknown model' }] },
    });
  }
  const parameters = parseOrThrow(entry.model.parameters, body.parameters ?? {}, 'INVALID_PARAMETERS', 'parameters');
  const inputImages = body.inputImages ?? [];
  if (inputImages.length > entry.model.inputImages.max) {
    throw new GenflowError(
      'INVALID_PARAMETERS',
      `inputImages: model ${entry.model.id} accepts at most ${entry.model.inputImages.max} input image(s)`,
      { details: { issues: [{ field: 'inputImages', message: `at most ${entry.model.inputImages.max}` }] } },
    );
  }
  const request: GenerationRequest = {
    model: entry.model.id,
    kind: chooseKind(entry, inputImages.length > 0),
    prompt: body.prompt,
    parameters,
    inputImages,
    numberOfOutputs: body.numberOfOutputs ?? 1,
  };
  return { request, entry };
}

function requestHash(request: GenerationRequest): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

export function createGenerationService(deps: GenerationServiceDeps) {
  const { repo, temporal, logger } = deps;
  const taskQueue = deps.taskQueue ?? TaskQueue.generations;

  async function startWorkflow(row: GenerationRow, input: GenerationWorkflowInput): Promise<void> {
    try {
      await temporal.workflow.start('generationWorkflow', {
        taskQueue,
        workflowId: row.workflow_id,
        args: [input],
      });
    } catch (err) {
      // A retried request (same idempotency key) may find the workflow already running: fine.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }

  return {
    /**
     * Records the generation, then starts its workflow. The row is written first so the id
     * answered to the client always has a row behind it; a client retrying with the same
     * Idempotency-Key after a failed start gets the same generation and a second start attempt.
     */
    async create(body: CreateGenerationBody, idempotencyKey?: string): Promise<{ row: GenerationRow; created: boolean }> {
      const { request, entry } = normalizeRequest(body);
      const id = randomUUID();
      const hash = requestHash(request);
      const { row, created } = await repo.insert({
        id,
        workflow_id: generationWorkflowId(id),
        model: entry.model.id,
        provider: entry.provider.id,
        kind: request.kind,
        status: 'queued',
        prompt: request.prompt,
        parameters: JSON.stringify(request.parameters),
        input_images: JSON.stringify(request.inputImages),
        number_of_outputs: request.numberOfOutputs,
        provider_task_id: null,
        error_code: null,
        error_message: null,
        error_details: null,
        idempotency_key: idempotencyKey ?? null,
        request_hash: hash,
        started_at: null,
        completed_at: null,
        estimated_cost: estimateCost(entry, request),
      });
      if (!created && row.request_hash !== hash) {
        throw new GenflowError('CONFLICT', 'Idempotency-Key was already used with a different request', {
          details: { generationId: row.id },
        });
      }
      if (created || row.status === 'queued') {
        const input: GenerationWorkflowInput = {
          generationId: row.id,
          request,
          model: modelRuntime(entry, deps.env ?? process.env),
        };
        try {
          await startWorkflow(row, input);
        } catch (err) {
          logger.error({ err, generationId: row.id }, 'starting the generation workflow failed');
          // Without a key the client cannot retry this generation, so it must not stay queued.
          if (!idempotencyKey) {
            await repo
              .finish(row.id, 'failed', { code: 'UNAVAILABLE', message: 'the workflow service was unavailable' })
              .catch(() => undefined);
          }
          throw new GenflowError('UNAVAILABLE', 'the workflow service is unavailable; retry with the same Idempotency-Key', {
            details: { generationId: row.id },
            cause: err,
          });
        }
      }
      return { row, created };
    },
  };
}
export type GenerationService = ReturnType<typeof createGenerationService>;
