import { createHash, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Admission, Principal } from '../domain/accounts';
import { GenflowError } from '../domain/errors';
import { checkVideoOptions } from '../domain/video-options';
import type { CreateGenerationBody, GenerationRequest, GenerationWorkflowInput, ModelSelectedBy } from '../domain/generation';
import type { ModelKind, ModelRuntime } from '../domain/models';
import { documentTokens } from '../domain/search-tokens';
import { isTerminal, type GenerationStatus } from '../domain/status';
import { generationWorkflowId, TaskQueue } from '../domain/task-queues';
import type { GenerationsRepo } from '../db/generations-repo';
import type { OutboxStart } from '../db/outbox-repo';
import type { WorkflowOutbox } from '../runtime/workflow-outbox';
import type { GenerationRow } from '../db/schema';
import { BUILT_IN_DEFAULT_MODELS, DEFAULT_ENHANCER_SYSTEM_PROMPT, type ModelSelection } from '../providers/model-selection';
import { estimateCost, modelRuntime } from '../providers/model-runtime';
import { precheckInputImages } from '../media/input-precheck';
import { checkWebhookUrl } from '../media/webhook-url';
import type { Storage } from '../media/storage/types';
import { stashInlineImages } from '../media/uploads';
import { findModel, type ModelEntry } from '../providers/registry';
import type { ExperimentAssignment } from './experiment-service';
import { checkUrlOnlyInputs } from './url-inputs';
import type { CallerContext } from './request-logging';
import { parseOrThrow } from './validate';

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
}

/** What a submit needs of the workflow outbox (runtime/workflow-outbox.ts). */
export type SubmitOutbox = Pick<WorkflowOutbox, 'repo' | 'admit' | 'wake'>;

const BUILT_IN_SELECTION: ModelSelection = {
  defaults: BUILT_IN_DEFAULT_MODELS,
  promptEnhancer: { model: 'local/text', systemPrompt: DEFAULT_ENHANCER_SYSTEM_PROMPT },
};

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

/** The model the request named, or the configured default for the kind it asked for. */
function selectModel(body: CreateGenerationBody, selection: ModelSelection): { entry: ModelEntry; selectedBy: ModelSelectedBy } {
  if (body.model === undefined) {
    const kind = body.kind!;
    const id = selection.defaults[kind];
    const entry = id ? findModel(id) : undefined;
    if (!entry) {
      throw new GenflowError('UNSUPPORTED_CAPABILITY', `kind: no default model is configured for ${kind} (set GENFLOW_DEFAULT_MODELS, or give a model)`, {
        details: { issues: [{ field: 'kind', message: 'no default model for this kind' }] },
      });
    }
    return { entry, selectedBy: 'default' };
  }
  const entry = findModel(body.model);
  if (!entry) {
    throw new GenflowError('INVALID_REQUEST', `model: unknown model '${body.model}' (GET /v1/models lists them)`, {
      details: { issues: [{ field: 'model', message: 'unknown model' }] },
    });
  }
  if (body.kind !== undefined && !entry.model.kinds.includes(body.kind)) {
    throw new GenflowError('UNSUPPORTED_CAPABILITY', `kind: model ${entry.model.id} does not do ${body.kind} (it does ${entry.model.kinds.join(', ')})`, {
      details: { issues: [{ field: 'kind', message: 'not a kind of this model' }] },
    });
  }
  return { entry, selectedBy: 'request' };
}

/**
 * The text-to-text request that rewrites `prompt`. The system prompt goes in the model's
 * `systemPrompt` parameter when its schema has one, else in front of the prompt, so any
 * registered text model can serve as the enhancer.
 */
export function enhancementRequest(
  prompt: string,
  selection: ModelSelection,
  env: Record<string, string | undefined>,
): { request: GenerationRequest; model: ModelRuntime } {
  const entry = findModel(selection.promptEnhancer.model);
  if (!entry) throw new GenflowError('INTERNAL_ERROR', `the prompt enhancer model ${selection.promptEnhancer.model} is not registered`);
  const { systemPrompt } = selection.promptEnhancer;
  const withSystem = entry.model.parameters.safeParse({ systemPrompt });
  const parameters = withSystem.success ? withSystem.data : entry.model.parameters.safeParse({}).data;
  if (!parameters) throw new GenflowError('INTERNAL_ERROR', `the prompt enhancer model ${entry.model.id} needs parameters genflow cannot choose`);
  return {
    request: {
      model: entry.model.id,
      kind: 'text-to-text',
      prompt: withSystem.success ? prompt : `${systemPrompt}\n\nPrompt: ${prompt}`,
      parameters,
      inputImages: [],
      numberOfOutputs: 1,
    },
    model: modelRuntime(entry, env),
  };
}

/** Validates a request against its model and applies the model's defaults. */
export function normalizeRequest(
  body: CreateGenerationBody,
  selection: ModelSelection = BUILT_IN_SELECTION,
): { request: GenerationRequest; entry: ModelEntry; selectedBy: ModelSelectedBy } {
  const { entry, selectedBy } = selectModel(body, selection);
  checkVideoOptions(entry.model.id, entry.model.video, body.parameters);
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
    kind: body.kind ?? chooseKind(entry, inputImages.length > 0),
    prompt: body.prompt,
    parameters,
    inputImages,
    numberOfOutputs: body.numberOfOutputs ?? 1,
  };
  return { request, entry, selectedBy };
}

interface Fallback {
  request: GenerationRequest;
  entry: ModelEntry;
}

/**
 * The request's `fallbackModels`, else the configured ones of its model, each checked against
 * the request: same kind, parameters valid for that model, input images within its limit. A
 * named fallback that cannot take the request is refused (400); a configured one is skipped,
 * since the caller never asked for it.
 */
export function resolveFallbacks(body: CreateGenerationBody, request: GenerationRequest, entry: ModelEntry, selection: ModelSelection): Fallback[] {
  const named = body.fallbackModels;
  const ids = named ?? selection.fallbacks?.[entry.model.id] ?? [];
  const seen = new Set([entry.model.id]);
  const out: Fallback[] = [];
  ids.forEach((id, i) => {
    const fallback = findModel(id);
    let problem: string | undefined;
    let parameters: Record<string, unknown> | undefined;
    if (!fallback) problem = `unknown model '${id}' (GET /v1/models lists them)`;
    else if (!fallback.model.kinds.includes(request.kind)) {
      problem = `${id} does not do ${request.kind} (it does ${fallback.model.kinds.join(', ')}); a fallback must be of the request's kind`;
    } else if (seen.has(id)) problem = `${id} is already tried before it`;
    else if (request.inputImages.length > fallback.model.inputImages.max) problem = `${id} accepts at most ${fallback.model.inputImages.max} input image(s)`;
    else {
      try {
        checkVideoOptions(fallback.model.id, fallback.model.video, body.parameters);
        const parsed = fallback.model.parameters.safeParse(body.parameters ?? {});
        if (parsed.success) parameters = parsed.data;
        else problem = `${id} does not accept these parameters (${parsed.error.issues[0]?.path.join('.') || 'parameters'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`;
      } catch (err) {
        problem = err instanceof Error ? err.message : String(err);
      }
    }
    if (problem || !fallback || !parameters) {
      if (named) {
        throw new GenflowError('INVALID_REQUEST', `fallbackModels.${i}: ${problem ?? 'invalid'}`, {
          details: { issues: [{ field: `fallbackModels.${i}`, message: problem ?? 'invalid' }] },
        });
      }
      return;
    }
    seen.add(id);
    out.push({ entry: fallback, request: { ...request, model: fallback.model.id, parameters } });
  });
  return out;
}

/**
 * Everything a submit checks before it writes anything: the model and its parameters, the
 * fallbacks, the callback URL and the input images. Shared by create() and dry runs
 * (api/submit-checks.ts), so a dry run answers exactly what the submit would.
 */
export async function checkSubmission(
  body: CreateGenerationBody,
  selection: ModelSelection,
  options: Pick<GenerationServiceDeps, 'webhookSecret' | 'allowLoopbackInputs' | 'storage'>,
): Promise<{ request: GenerationRequest; entry: ModelEntry; selectedBy: ModelSelectedBy; fallbacks: Fallback[] }> {
  const { request, entry, selectedBy } = normalizeRequest(body, selection);
  const fallbacks = resolveFallbacks(body, request, entry, selection);
  if (body.webhookUrl) {
    if (!options.webhookSecret) {
      throw new GenflowError('UNSUPPORTED_CAPABILITY', 'webhookUrl: client callbacks need GENFLOW_WEBHOOK_SECRET to be set on this server', {
        details: { issues: [{ field: 'webhookUrl', message: 'callbacks are not configured' }] },
      });
    }
    await checkWebhookUrl(body.webhookUrl, { allowLoopback: options.allowLoopbackInputs === true });
  }
  await precheckInputImages(request.inputImages, { allowLoopback: options.allowLoopbackInputs === true });
  checkUrlOnlyInputs(entry.model, request.inputImages, options.storage);
  return { request, entry, selectedBy, fallbacks };
}

function requestHash(request: GenerationRequest & { enhancePrompt?: boolean }, metadata: unknown): string {
  return createHash('sha256').update(JSON.stringify([request, metadata ?? null])).digest('hex');
}

/** How long a cancel waits for Temporal before answering 503 UNAVAILABLE. */
const CANCEL_DEADLINE_MS = 5_000;

export function createGenerationService(deps: GenerationServiceDeps) {
  const { repo, temporal, logger, outbox } = deps;
  const taskQueue = deps.taskQueue ?? TaskQueue.generations;
  const selection = deps.modelSelection ?? BUILT_IN_SELECTION;
  const env = deps.env ?? process.env;

  function outboxStart(row: Pick<GenerationRow, 'id' | 'workflow_id' | 'model' | 'provider' | 'kind'>, input: GenerationWorkflowInput, owner?: string): OutboxStart {
    return {
      workflowId: row.workflow_id,
      workflowType: 'generationWorkflow',
      taskQueue,
      args: [input],
      searchAttributes: {
        // Upserted by the workflow from then on (when the namespace has GenflowStatus).
        status: 'queued',
        model: row.model,
        provider: row.provider,
        kind: row.kind,
        ...(input.experiment ? { experimentId: input.experiment.experimentId } : {}),
        ...(owner ? { owner } : {}),
      },
      generationId: row.id,
    };
  }

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
      const { request, entry, selectedBy, fallbacks } = await checkSubmission(body, selection, deps);
      const id = randomUUID();
      // Hashed before inline images become references, so a retried body hashes the same.
      const hash = requestHash(
        {
          ...request,
          ...(body.enhancePrompt ? { enhancePrompt: true } : {}),
          ...(body.fallbackModels ? { fallbackModels: body.fallbackModels } : {}),
          ...(body.webhookUrl ? { webhookUrl: body.webhookUrl } : {}),
        },
        body.metadata,
      );
      // Idempotency keys are per owner: another caller's key neither collides nor reveals a row.
      const scopedKey = idempotencyKey === undefined ? null : caller ? `${caller.owner}\n${idempotencyKey}` : idempotencyKey;
      // Before the transaction (PGlite has one connection); a repeat of an accepted request is
      // answered even over the limit, since it adds nothing to the backlog.
      await outbox.admit().catch(async (err: unknown) => {
        if (scopedKey === null || !(await repo.findByIdempotencyKey(scopedKey))) throw err;
      });
      const inputImages = deps.storage ? await stashInlineImages(deps.storage, id, request.inputImages) : request.inputImages;
      const workflowInput = (images: string[]): GenerationWorkflowInput => ({
        generationId: id,
        request: { ...request, inputImages: images },
        model: modelRuntime(entry, env),
        ...(body.enhancePrompt ? { enhance: enhancementRequest(request.prompt, selection, env) } : {}),
        ...(experiment ? { experiment: { ...experiment, costUsd: estimateCost(entry, request) } } : {}),
        ...(context.requestId ? { requestId: context.requestId } : {}),
        ...(fallbacks.length > 0
          ? { fallbacks: fallbacks.map((f) => ({ request: { ...f.request, inputImages: images }, model: modelRuntime(f.entry, env) })) }
          : {}),
        ...(body.webhookUrl ? { webhookUrl: body.webhookUrl } : {}),
      });
      const newRow = { id, workflow_id: generationWorkflowId(id), model: entry.model.id, provider: entry.provider.id, kind: request.kind };
      const admission: Admission | undefined = caller
        ? { keyId: caller.keyId, owner: caller.owner, maxConcurrentGenerations: caller.maxConcurrentGenerations, ...(caller.budgeted !== undefined ? { budgeted: caller.budgeted } : {}) }
        : undefined;
      // The start commits with the row: one statement when nothing needs checking (db/generations-repo.ts).
      const start = outboxStart(newRow, workflowInput(inputImages), caller?.owner);
      const { row, created } = await repo.insert({
        ...newRow,
        status: 'queued',
        prompt: request.prompt,
        search_tokens: documentTokens(request.prompt),
        metadata: JSON.stringify(body.metadata ?? {}),
        parameters: JSON.stringify(request.parameters),
        input_images: JSON.stringify(inputImages),
        number_of_outputs: request.numberOfOutputs,
        provider_task_id: null,
        error_code: null,
        error_message: null,
        error_details: null,
        idempotency_key: scopedKey,
        request_hash: hash,
        started_at: null,
        completed_at: null,
        model_selected_by: selectedBy,
        ...(experiment
          ? { experiment_id: experiment.experimentId, experiment_variant: experiment.variantId, experiment_segment: experiment.segment ?? null }
          : {}),
        estimated_cost: estimateCost(entry, request),
        fallback_models: JSON.stringify(fallbacks.map((f) => f.entry.model.id)),
        webhook_url: body.webhookUrl ?? null,
        owner: caller?.owner ?? null,
        api_key_id: caller?.keyId ?? null,
      }, admission, undefined, start).catch(async (err: unknown) => {
        // Refused (budget, concurrency): the images stashed for it are not needed.
        if (deps.storage && inputImages !== request.inputImages) await deps.storage.deletePrefix(`uploads/${id}/`).catch(() => 0);
        throw err;
      });
      // A duplicate (same Idempotency-Key) keeps the first request's uploads; this one's are spare.
      if (!created && deps.storage && inputImages !== request.inputImages) await deps.storage.deletePrefix(`uploads/${id}/`).catch(() => 0);
      if (!created && row.request_hash !== hash) {
        throw new GenflowError('CONFLICT', 'Idempotency-Key was already used with a different request', {
          details: { generationId: row.id },
        });
      }
      if (!created && row.status === 'queued') {
        // A repeat of an accepted request whose workflow has not run yet: make sure a start is
        // on its way (a no-op when its entry is still waiting, or its workflow already exists).
        await outbox.repo.enqueue(outboxStart(row, { ...workflowInput(row.input_images), generationId: row.id }, caller?.owner));
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
