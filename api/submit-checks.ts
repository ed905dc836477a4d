import { GenflowError } from '../domain/errors';
import type { CreateBatchBody } from '../domain/batch-body';
import type { CreateGenerationBody, ModelSelectedBy } from '../domain/generation';
import type { ModelKind } from '../domain/models';
import type { Storage } from '../media/storage/types';
import { checkWebhookUrl } from '../media/webhook-url';
import { estimateCost } from '../providers/pricing';
import type { ModelSelection } from '../providers/model-selection';
import { describePrice, type PriceDescription } from '../providers/pricing';
import type { ModelEntry } from '../providers/catalogue';
import { checkBatchItems, type BatchService } from './batch-service';
import { BUILT_IN_SELECTION, checkSubmission, type CheckedSubmission, type SubmissionChecks } from './submission';
import type { ProviderAvailability } from './provider-availability';

export interface SubmitChecksDeps {
  availability: ProviderAvailability;
  /** The same as the generation service's; built-in defaults without it. */
  modelSelection?: ModelSelection;
  webhookSecret?: string;
  allowLoopbackInputs?: boolean;
  storage?: Storage;
  modelDefaults?: SubmissionChecks['modelDefaults'];
}

/** What `POST /v1/generations?dryRun=true` answers: the request as it would run, and its price. */
export interface GenerationEstimate {
  dryRun: true;
  model: string;
  provider: string;
  kind: ModelKind;
  modelSelectedBy: ModelSelectedBy;
  parameters: Record<string, unknown>;
  numberOfOutputs: number;
  estimatedCost: number;
  price: PriceDescription | null;
  fallbackModels?: string[];
}

/** One item of `POST /v1/batches?dryRun=true`. */
export interface BatchItemEstimate {
  index: number;
  model: string;
  provider: string;
  kind: ModelKind;
  parameters: Record<string, unknown>;
  numberOfOutputs: number;
  estimatedCost: number;
}

export interface BatchEstimate {
  dryRun: true;
  totalTasks: number;
  estimatedCost: number;
  items: BatchItemEstimate[];
}

/**
 * The checks a submit makes before anything is written, as pure functions of the body: the
 * dry runs answer with them, and real submits are refused with them at once when the model's
 * provider has no API key (503 PROVIDER_UNAVAILABLE) instead of being accepted to fail later.
 */
export function createSubmitChecks(deps: SubmitChecksDeps) {
  const selection: ModelSelection = deps.modelSelection ?? BUILT_IN_SELECTION;
  const { availability } = deps;

  /** The model's provider needs keys and has none: refused, unless a fallback's provider can take it. */
  async function requireProvider(entry: ModelEntry, fallbacks: readonly ModelEntry[], field: string): Promise<void> {
    try {
      await availability.requireKeys(entry.provider, field);
    } catch (err) {
      for (const fallback of fallbacks) if ((await availability.of(fallback.provider)).available) return;
      throw err;
    }
  }

  /** A submit's provider check (SubmissionChecks.requireProvider), for the generation service and the dry run. */
  const requireModelProvider = (entry: ModelEntry, fallbacks: readonly ModelEntry[]) => requireProvider(entry, fallbacks, 'model');
  const generationChecks: SubmissionChecks = { ...deps, requireProvider: requireModelProvider };

  /** What create() checks before it writes, in its order (see api/generation-service.ts). */
  async function generation(body: CreateGenerationBody): Promise<GenerationEstimate> {
    const { request, entry, selectedBy, fallbacks } = await checkSubmission(body, selection, generationChecks);
    return {
      dryRun: true,
      model: entry.model.id,
      provider: entry.provider.id,
      kind: request.kind,
      modelSelectedBy: selectedBy,
      parameters: request.parameters,
      numberOfOutputs: request.numberOfOutputs,
      estimatedCost: estimateCost(entry, request),
      price: entry.model.price ? describePrice(entry.model.price) : null,
      ...(fallbacks.length > 0 ? { fallbackModels: fallbacks.map((f) => f.entry.model.id) } : {}),
    };
  }

  async function batchProviders(items: ReadonlyArray<Pick<CheckedSubmission, 'entry' | 'fallbacks'>>): Promise<void> {
    for (const [index, { entry, fallbacks }] of items.entries()) await requireProvider(entry, fallbacks.map((f) => f.entry), `requests[${index}].model`);
  }

  /** Every item checked like a single submit (api/submission.ts), in order. */
  async function checkItems(body: CreateBatchBody): Promise<CheckedSubmission[]> {
    return checkBatchItems(body.requests, selection, deps);
  }

  async function batch(body: CreateBatchBody): Promise<BatchEstimate> {
    const items = (await checkItems(body)).map((checked, index) => ({ index, ...checked }));
    const { webhookUrl } = body.options;
    if (webhookUrl) {
      if (!deps.webhookSecret) {
        throw new GenflowError('UNSUPPORTED_CAPABILITY', 'options.webhookUrl: client callbacks need GENFLOW_WEBHOOK_SECRET to be set on this server');
      }
      await checkWebhookUrl(webhookUrl, { allowLoopback: deps.allowLoopbackInputs === true, field: 'options.webhookUrl' });
    }
    await batchProviders(items);
    const estimates = items.map(({ index, request, entry }) => ({
      index,
      model: entry.model.id,
      provider: entry.provider.id,
      kind: request.kind,
      parameters: request.parameters,
      numberOfOutputs: request.numberOfOutputs,
      estimatedCost: estimateCost(entry, request),
    }));
    return { dryRun: true, totalTasks: estimates.length, estimatedCost: estimates.reduce((sum, i) => sum + i.estimatedCost, 0), items: estimates };
  }

  return {
    generation,
    batch,

    /** For the generation service (its `requireProvider`): a submit whose model's provider has no key is refused at once. */
    requireProvider: requireModelProvider,

    /** A batch service whose batches are refused at once when an item's provider has no key, naming the item. */
    guardBatches(service: BatchService): BatchService {
      return {
        ...service,
        async create(...args: Parameters<BatchService['create']>) {
          await batchProviders(await checkItems(args[0]));
          return service.create(...args);
        },
      };
    },
  };
}
export type SubmitChecks = ReturnType<typeof createSubmitChecks>;
