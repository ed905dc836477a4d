import { createHash } from 'node:crypto';
import { GenflowError } from '../domain/errors';
import { checkVideoOptions } from '../domain/video-options';
import type { CreateGenerationBody, GenerationRequest, GenerationWorkflowInput, ModelSelectedBy } from '../domain/generation';
import type { ModelKind, WorkflowModel } from '../domain/models';
import type { SearchAttributeValues } from '../domain/search-attributes';
import { documentTokens } from '../domain/search-tokens';
import { generationWorkflowId } from '../domain/task-queues';
import type { OutboxStart } from '../db/outbox-repo';
import type { NewGeneration } from '../db/schema';
import { BUILT_IN_DEFAULT_MODELS, DEFAULT_ENHANCER_SYSTEM_PROMPT, type ModelSelection } from '../providers/model-selection';
import { estimateCost } from '../providers/pricing';
import { workflowModel } from '../providers/workflow-model';
import { precheckInputImages } from '../media/input-precheck';
import { checkWebhookUrl } from '../media/webhook-url';
import type { Storage } from '../media/storage/types';
import { stashInlineImages } from '../media/uploads';
import type { ModelEntry } from '../providers/catalogue';
import { builtInCatalogue } from '../providers/registry';
import type { ExperimentAssignment } from './experiment-service';
import { checkUrlOnlyInputs } from './url-inputs';
import { parseOrThrow } from './validate';

/*
 * The one way a generation is submitted, whatever the door: POST /v1/generations, an
 * experiment's allocation (which only chooses the body), the OpenAI-compatible routes (which
 * only translate the body) and each item of a batch. A request is normalised, its model
 * selected (named, or the configured default for its kind), its inputs checked, its fallbacks
 * and per-model settings resolved, and it becomes one row and one workflow start built here.
 * Batch items differ only in who starts the workflow (the batch workflow, not the outbox).
 */

/** What the checks need of the server's settings. */
export interface SubmissionChecks {
  webhookSecret?: string | undefined;
  allowLoopbackInputs?: boolean | undefined;
  storage?: Storage | undefined;
  /** The parameter defaults admins set per model (provider config API), fresh to a second or two. */
  modelDefaults?: (() => Promise<ModelDefaultsOf>) | undefined;
  /**
   * Refuses a request whose model's provider has no key and no fallback's provider can take it
   * (api/submit-checks.ts): checked here, once, right after the model is known.
   */
  requireProvider?: ((entry: ModelEntry, fallbacks: readonly ModelEntry[]) => Promise<void>) | undefined;
}

/** A model's admin-set parameter defaults, by model id (api/provider-availability.ts reads them). */
export type ModelDefaultsOf = (modelId: string) => Record<string, unknown> | undefined;

/** The request's parameters over the admin's defaults for that model (the model's own defaults apply after). */
function withModelDefaults(modelId: string, parameters: Record<string, unknown> | undefined, defaultsOf?: ModelDefaultsOf): Record<string, unknown> {
  const defaults = defaultsOf?.(modelId);
  return defaults ? { ...defaults, ...parameters } : (parameters ?? {});
}

/** A request that passed every check: what it will run, on which model, and what after it. */
export interface CheckedSubmission {
  body: CreateGenerationBody;
  request: GenerationRequest;
  entry: ModelEntry;
  selectedBy: ModelSelectedBy;
  fallbacks: Fallback[];
}

export const BUILT_IN_SELECTION: ModelSelection = {
  catalogue: builtInCatalogue,
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
    const entry = id ? selection.catalogue.findModel(id) : undefined;
    if (!entry) {
      throw new GenflowError('UNSUPPORTED_CAPABILITY', `kind: no default model is configured for ${kind} (set GENFLOW_DEFAULT_MODELS, or give a model)`, {
        details: { issues: [{ field: 'kind', message: 'no default model for this kind' }] },
      });
    }
    return { entry, selectedBy: 'default' };
  }
  const entry = selection.catalogue.findModel(body.model);
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
): { request: GenerationRequest; model: WorkflowModel } {
  const entry = selection.catalogue.findModel(selection.promptEnhancer.model);
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
    model: workflowModel(entry, env),
  };
}

/** Validates a request against its model and applies the model's defaults. */
export function normalizeRequest(
  body: CreateGenerationBody,
  selection: ModelSelection = BUILT_IN_SELECTION,
  defaultsOf?: ModelDefaultsOf,
): { request: GenerationRequest; entry: ModelEntry; selectedBy: ModelSelectedBy } {
  const { entry, selectedBy } = selectModel(body, selection);
  const given = withModelDefaults(entry.model.id, body.parameters, defaultsOf);
  checkVideoOptions(entry.model.id, entry.model.video, given);
  const parameters = parseOrThrow(entry.model.parameters, given, 'INVALID_PARAMETERS', 'parameters');
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

export interface Fallback {
  request: GenerationRequest;
  entry: ModelEntry;
}

/**
 * The request's `fallbackModels`, else the configured ones of its model, each checked against
 * the request: same kind, parameters valid for that model, input images within its limit. A
 * named fallback that cannot take the request is refused (400); a configured one is skipped,
 * since the caller never asked for it.
 */
export function resolveFallbacks(
  body: CreateGenerationBody,
  request: GenerationRequest,
  entry: ModelEntry,
  selection: ModelSelection,
  defaultsOf?: ModelDefaultsOf,
): Fallback[] {
  const named = body.fallbackModels;
  const ids = named ?? selection.fallbacks?.[entry.model.id] ?? [];
  const seen = new Set([entry.model.id]);
  const out: Fallback[] = [];
  ids.forEach((id, i) => {
    const fallback = selection.catalogue.findModel(id);
    let problem: string | undefined;
    let parameters: Record<string, unknown> | undefined;
    if (!fallback) problem = `unknown model '${id}' (GET /v1/models lists them)`;
    else if (!fallback.model.kinds.includes(request.kind)) {
      problem = `${id} does not do ${request.kind} (it does ${fallback.model.kinds.join(', ')}); a fallback must be of the request's kind`;
    } else if (seen.has(id)) problem = `${id} is already tried before it`;
    else if (request.inputImages.length > fallback.model.inputImages.max) problem = `${id} accepts at most ${fallback.model.inputImages.max} input image(s)`;
    else {
      try {
        const given = withModelDefaults(fallback.model.id, body.parameters, defaultsOf);
        checkVideoOptions(fallback.model.id, fallback.model.video, given);
        const parsed = fallback.model.parameters.safeParse(given);
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
  options: SubmissionChecks,
): Promise<CheckedSubmission> {
  const defaultsOf = options.modelDefaults ? await options.modelDefaults() : undefined;
  const { request, entry, selectedBy } = normalizeRequest(body, selection, defaultsOf);
  const fallbacks = resolveFallbacks(body, request, entry, selection, defaultsOf);
  await options.requireProvider?.(entry, fallbacks.map((f) => f.entry));
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
  return { body, request, entry, selectedBy, fallbacks };
}


/** Hash of what a repeated request (same Idempotency-Key) must match; taken before inline images become references. */
export function submissionHash({ body, request }: Pick<CheckedSubmission, 'body' | 'request'>): string {
  const hashed = {
    ...request,
    ...(body.enhancePrompt ? { enhancePrompt: true } : {}),
    ...(body.fallbackModels ? { fallbackModels: body.fallbackModels } : {}),
    ...(body.webhookUrl ? { webhookUrl: body.webhookUrl } : {}),
    // Where the request attaches the generation in the studio is part of what a repeat must match.
    ...(body.frameId ? { frameId: body.frameId } : {}),
    ...(body.shotId ? { shotId: body.shotId } : {}),
  };
  return createHash('sha256').update(JSON.stringify([hashed, body.metadata ?? null])).digest('hex');
}

/** Who submitted, and what the submission belongs to. */
export interface SubmissionContext {
  /** The generation's id (chosen before, so inline images can be stashed under it). */
  id: string;
  caller?: { owner: string; keyId: string } | undefined;
  experiment?: ExperimentAssignment | undefined;
  batch?: { id: string; index: number } | undefined;
  /** Scoped per owner by the caller (see generation-service.ts). */
  idempotencyKey?: string | null | undefined;
  requestId?: string | undefined;
}

/** The workflow start of a submission: its input, and the search attributes it is started with. */
export interface SubmissionStart {
  input: GenerationWorkflowInput;
  searchAttributes: SearchAttributeValues;
}

export interface SubmissionSettings {
  selection: ModelSelection;
  /** Provider settings (rate limits route provider calls). */
  env: Record<string, string | undefined>;
  storage?: Storage | undefined;
}

/** The workflow input for `inputImages` (the stored references, once inline images are stashed). */
export function workflowInput(checked: CheckedSubmission, settings: SubmissionSettings, context: SubmissionContext, images: string[]): GenerationWorkflowInput {
  const { body, request, entry, fallbacks } = checked;
  const { selection, env } = settings;
  return {
    generationId: context.id,
    request: { ...request, inputImages: images },
    model: workflowModel(entry, env),
    ...(body.enhancePrompt ? { enhance: enhancementRequest(request.prompt, selection, env) } : {}),
    ...(context.experiment ? { experiment: { ...context.experiment, costUsd: estimateCost(entry, request) } } : {}),
    ...(context.requestId ? { requestId: context.requestId } : {}),
    ...(fallbacks.length > 0
      ? { fallbacks: fallbacks.map((f) => ({ request: { ...f.request, inputImages: images }, model: workflowModel(f.entry, env) })) }
      : {}),
    ...(body.webhookUrl ? { webhookUrl: body.webhookUrl } : {}),
  };
}

/** The search attributes a generation's workflow is started with (the dispatcher or the batch keeps only those the namespace has). */
export function generationSearchAttributes(
  row: Pick<NewGeneration, 'model' | 'provider' | 'kind'>,
  context: Pick<SubmissionContext, 'experiment' | 'caller' | 'batch'>,
): SearchAttributeValues {
  return {
    model: row.model,
    provider: row.provider,
    kind: row.kind,
    ...(context.experiment ? { experimentId: context.experiment.experimentId } : {}),
    // Every generation starts `queued`; its workflow upserts GenflowStatus from then on when the
    // starter found the attribute registered (the outbox dispatcher, or the batch service).
    status: 'queued',
    ...(context.batch ? { batchId: context.batch.id } : {}),
    ...(context.caller?.owner ? { owner: context.caller.owner } : {}),
  };
}

/**
 * The row and the workflow start of a checked submission. Inline images are put in storage
 * first (under the generation's id): `stashed` says so, and `discard()` removes them when the
 * row is not written after all (refused, or a repeat of an earlier request).
 */
export async function prepareSubmission(
  checked: CheckedSubmission,
  settings: SubmissionSettings,
  context: SubmissionContext,
): Promise<{ row: NewGeneration; start: SubmissionStart; discard: () => Promise<void> }> {
  const { body, request, entry, selectedBy, fallbacks } = checked;
  const { id, caller, experiment, batch } = context;
  const storage = settings.storage;
  const inputImages = storage ? await stashInlineImages(storage, id, request.inputImages) : request.inputImages;
  const stashed = inputImages !== request.inputImages;
  const row: NewGeneration = {
    id,
    workflow_id: generationWorkflowId(id),
    model: entry.model.id,
    provider: entry.provider.id,
    kind: request.kind,
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
    idempotency_key: context.idempotencyKey ?? null,
    request_hash: submissionHash(checked),
    started_at: null,
    completed_at: null,
    model_selected_by: selectedBy,
    ...(experiment ? { experiment_id: experiment.experimentId, experiment_variant: experiment.variantId, experiment_segment: experiment.segment ?? null } : {}),
    ...(batch ? { batch_id: batch.id, batch_index: batch.index } : {}),
    estimated_cost: estimateCost(entry, request),
    fallback_models: JSON.stringify(fallbacks.map((f) => f.entry.model.id)),
    webhook_url: body.webhookUrl ?? null,
    // Checked (exists, the caller's) and the project's defaults applied by api/studio-attach.ts.
    studio_shot_id: body.shotId ?? null,
    studio_frame_id: body.frameId ?? null,
    owner: caller?.owner ?? null,
    api_key_id: caller?.keyId ?? null,
  };
  return {
    row,
    start: { input: workflowInput(checked, settings, context, inputImages), searchAttributes: generationSearchAttributes(row, context) },
    discard: async () => {
      if (stashed && storage) await storage.deletePrefix(`uploads/${id}/`).catch(() => 0);
    },
  };
}

/** The outbox entry that starts a single generation's workflow. */
export function outboxStart(row: Pick<NewGeneration, 'id' | 'workflow_id'>, start: SubmissionStart, taskQueue: string): OutboxStart {
  return { workflowId: row.workflow_id, workflowType: 'generationWorkflow', taskQueue, args: [start.input], searchAttributes: start.searchAttributes, generationId: row.id };
}
