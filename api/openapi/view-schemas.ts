import { z } from 'zod';
import type { ApiKeyView } from '../../domain/accounts';
import type { AlertView } from '../../domain/alerts';
import type { BatchView } from '../../domain/batch';
import { ErrorCode } from '../../domain/errors';
import type { GenerationView } from '../../domain/generation';
import { MODEL_KINDS } from '../../domain/models';
import type { ProviderStatus } from '../../providers/provider-gateway';
import type { BatchEstimate, GenerationEstimate } from '../submit-checks';

/**
 * Zod schemas of the API's answers. The views are built by plain functions (views/ and the
 * services); the type checks at the bottom of this file fail to compile when a view and its
 * schema disagree, and the API tests validate real answers against these schemas.
 */

const isoDate = z.iso.datetime({ offset: true });

export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.values(ErrorCode)),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

const generationStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']);

const outputSchema = z.strictObject({
  id: z.uuid(),
  url: z.string().describe('Stable URL of the stored bytes (GET /v1/assets/{id}/content)'),
  contentType: z.string(),
  bytes: z.int().min(0),
  sha256: z.string(),
  width: z.int().optional(),
  height: z.int().optional(),
  durationSeconds: z.number().optional(),
});

export const generationSchema = z
  .strictObject({
    id: z.uuid(),
    model: z.string(),
    provider: z.string(),
    kind: z.string(),
    status: generationStatus,
    progress: z.number().min(0).max(1),
    prompt: z.string(),
    enhancedPrompt: z.string().optional(),
    modelSelectedBy: z.enum(['request', 'default']),
    parameters: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    outputs: z.array(outputSchema),
    error: z.strictObject({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
    experiment: z.strictObject({ id: z.string(), variantId: z.string(), segment: z.string().optional() }).optional(),
    resultModel: z.string().optional().describe('The model that produced the outputs; differs from `model` after a fallback'),
    fallbackModels: z.array(z.string()).optional(),
    attempts: z
      .array(
        z.strictObject({
          model: z.string(),
          status: z.enum(['succeeded', 'failed', 'canceled']),
          code: z.enum(Object.values(ErrorCode)).optional(),
          message: z.string().optional(),
          startedAt: isoDate,
          finishedAt: isoDate,
        }),
      )
      .optional()
      .describe('Every model tried, with its outcome; set once the generation finished'),
    estimatedCost: z.number().min(0).describe('USD: the price-table estimate of the requested model, reserved on submit'),
    cost: z
      .number()
      .min(0)
      .optional()
      .describe("USD, once finished: the provider's reported charge where it reports one, else the estimate of the model that produced the result; 0 for a failure the provider did not charge"),
    costSource: z.enum(['estimate', 'provider']).optional(),
    costReason: z.string().optional().describe('Why the cost is not just the producing model’s price, e.g. a provider charged for a failed task'),
    webhookUrl: z.string().optional(),
    shotId: z.uuid().optional().describe('The studio shot it is attached to'),
    frameId: z.uuid().optional().describe('The studio frame it is attached to'),
    createdAt: isoDate,
    startedAt: isoDate.optional(),
    completedAt: isoDate.optional(),
  })
  .meta({ title: 'Generation' });

export const generationListSchema = z.strictObject({
  data: z.array(generationSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

const batchStatus = z.enum(['running', 'succeeded', 'partially_failed', 'failed', 'canceled']);

export const batchCreatedSchema = z.strictObject({
  id: z.uuid(),
  status: z.string(),
  totalTasks: z.int(),
  estimatedCost: z.number(),
});

export const batchSchema = z
  .strictObject({
    id: z.uuid(),
    status: batchStatus,
    totalTasks: z.int(),
    counts: z.strictObject({ total: z.int(), queued: z.int(), running: z.int(), succeeded: z.int(), failed: z.int(), canceled: z.int() }),
    progress: z.number().min(0).max(1),
    options: z.strictObject({ maxConcurrency: z.int(), stopOnError: z.boolean(), webhookUrl: z.string().optional() }),
    estimatedCost: z.number(),
    actualCost: z.number().optional(),
    createdAt: isoDate,
    completedAt: isoDate.optional(),
    items: z.array(
      z.strictObject({
        index: z.int(),
        generationId: z.uuid(),
        model: z.string(),
        status: z.string(),
        error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
        outputs: z.array(outputSchema).describe("The item's stored outputs, as on the generation"),
        dependsOn: z.array(z.int()).optional().describe('Indexes of the earlier items whose outputs are its input images (`{"fromItem": n}`)'),
        estimatedCost: z.number().describe('USD estimated at submit'),
        cost: z.number().optional().describe('USD: what the item cost, once it finished'),
      }),
    ),
    nextCursor: z.string().optional().describe('Pass as `cursor` for the next page of items'),
  })
  .meta({ title: 'Batch' });

export const priceSchema = z
  .strictObject({
    unit: z
      .enum(['image', 'output', 'second', 'character', 'request', 'token', 'free'])
      .describe('What `usd` buys: an output image, any output, a second of video, a character of text, a request, a token; `free` costs nothing'),
    usd: z.number().describe("USD per unit with the model's default parameters; 0 when free"),
    tiers: z
      .array(z.strictObject({ when: z.string().describe('The parameter values it applies to'), usd: z.number() }))
      .optional()
      .describe('Other prices per unit when parameters change it'),
    notes: z.string().optional().describe('Where the price comes from (an estimate says so), or why the model is free'),
  })
  .meta({ title: 'Price' });

export const modelSchema = z
  .strictObject({
    id: z.string(),
    provider: z.string(),
    description: z.string(),
    kinds: z.array(z.enum(MODEL_KINDS)),
    async: z.boolean(),
    inputImages: z.looseObject({ mode: z.string(), max: z.int() }),
    expectedDurationSeconds: z.number(),
    maxDurationSeconds: z.number(),
    video: z.record(z.string(), z.unknown()).optional(),
    price: priceSchema.nullable().describe('How the provider bills the model; null for a custom model declared without pricePerOutput'),
    parameters: z.record(z.string(), z.unknown()).describe("JSON Schema of the model's parameters"),
    available: z.boolean().describe('false: a submit would be refused (no API key) or fail (provider disabled)'),
    unavailable: z
      .strictObject({ code: z.enum(['no_api_key', 'disabled']).optional(), reason: z.string().optional() })
      .optional()
      .describe('Why the model is not available, and how to fix it'),
    configuredDefaults: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Parameter values an admin set for this model (PUT /v1/providers/:id/config, models.<id>.defaults): a submit that does not give them gets them'),
  })
  .meta({ title: 'Model' });

export const modelListSchema = z.strictObject({ data: z.array(modelSchema) });

export const generationEstimateSchema = z
  .strictObject({
    dryRun: z.literal(true),
    model: z.string().describe('The model that would run (the default for `kind` when none was named)'),
    provider: z.string(),
    kind: z.enum(MODEL_KINDS),
    modelSelectedBy: z.enum(['request', 'default']),
    parameters: z.record(z.string(), z.unknown()).describe("The parameters as they would run: validated, with the model's defaults"),
    numberOfOutputs: z.int(),
    estimatedCost: z.number().describe('USD, as the submit would record and reserve it'),
    price: priceSchema.nullable(),
    fallbackModels: z.array(z.string()).optional(),
  })
  .meta({ title: 'GenerationEstimate' });

export const batchEstimateSchema = z
  .strictObject({
    dryRun: z.literal(true),
    totalTasks: z.int(),
    estimatedCost: z.number().describe('USD of all items, as the submit would reserve it'),
    items: z.array(
      z.strictObject({
        index: z.int(),
        model: z.string(),
        provider: z.string(),
        kind: z.enum(MODEL_KINDS),
        parameters: z.record(z.string(), z.unknown()),
        numberOfOutputs: z.int(),
        estimatedCost: z.number(),
      }),
    ),
  })
  .meta({ title: 'BatchEstimate' });

export const batchListSchema = z.strictObject({
  data: z.array(batchSchema.omit({ items: true, nextCursor: true })),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

export const providerListSchema = z.strictObject({
  data: z.array(
    z.strictObject({
      id: z.string(),
      displayName: z.string(),
      baseUrl: z.string(),
      requiresApiKey: z.boolean(),
      configured: z.boolean(),
      enabled: z.boolean().describe('false when an admin disabled it over the API'),
      source: z.strictObject({ baseUrl: z.enum(['api', 'env']), apiKeys: z.enum(['api', 'env']) }).describe('Where the base URL and the keys come from'),
      timeoutMs: z.int().optional(),
      custom: z.boolean(),
      keys: z.array(
        z.strictObject({
          id: z.string(),
          masked: z.string(),
          status: z.enum(['active', 'cooling_down', 'disabled']),
          coolingDownUntil: z.string().optional(),
          lastError: z.enum(Object.values(ErrorCode)).optional(),
          lastErrorMessage: z.string().optional(),
          lastErrorAt: z.string().optional(),
        }),
      ),
      models: z.array(z.strictObject({ id: z.string(), kinds: z.array(z.string()).readonly() })),
    }),
  ),
});

const componentHealth = z.strictObject({ ok: z.boolean(), error: z.string().optional() });
export const healthSchema = z.strictObject({ status: z.literal('ok'), uptimeSeconds: z.int().min(0) });
export const readinessSchema = z.strictObject({
  status: z.literal('ready'),
  checkedAt: isoDate,
  components: z.record(z.string(), componentHealth).optional().describe('Admin keys only'),
  providers: z.record(z.string(), z.looseObject({ ok: z.boolean(), error: z.string().optional() })).optional().describe('Admin keys only; advisory'),
});

export const ratingSchema = z.strictObject({
  generationId: z.uuid(),
  rating: z.int().min(1).max(5),
  feedback: z.string().optional(),
  experimentId: z.string().optional(),
  variantId: z.string().nullable().optional(),
  experimentNotified: z.boolean().optional(),
});

export const experimentSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    status: z.enum(['draft', 'running', 'paused', 'completed']),
    variants: z.array(
      z.strictObject({
        id: z.string(),
        name: z.string(),
        model: z.string(),
        parameters: z.record(z.string(), z.unknown()),
        promptTemplate: z.string().optional(),
        isControl: z.boolean(),
        weight: z.number(),
      }),
    ),
    allocation: z.looseObject({ type: z.enum(['fixed', 'thompson']) }),
    metrics: z.array(z.strictObject({ name: z.string(), goal: z.enum(['maximize', 'minimize']), primary: z.boolean() })),
    stopRules: z.record(z.string(), z.number()),
    recomputeIntervalSeconds: z.int(),
    workflowId: z.string(),
    stopReason: z.string().optional(),
    createdAt: isoDate.optional(),
    startedAt: isoDate.optional(),
    completedAt: isoDate.optional(),
  })
  .meta({ title: 'Experiment' });

export const experimentListSchema = z.strictObject({ data: z.array(experimentSchema) });

/** The results are a large statistical report; the top level is pinned, the inside described in the README. */
export const experimentResultsSchema = z.looseObject({
  experimentId: z.string(),
  status: z.enum(['draft', 'running', 'paused', 'completed']),
  segment: z.string().optional(),
  segments: z.array(z.string()),
  confidence: z.number(),
  variants: z.array(z.looseObject({ id: z.string(), name: z.string(), model: z.string(), samples: z.int() })),
  comparisons: z.array(z.looseObject({ variantId: z.string(), pValue: z.number() })),
  recommendation: z.looseObject({ decided: z.boolean(), text: z.string() }),
  totalCostUsd: z.number(),
  outcomes: z.int(),
});

const usd = z.number().min(0);

export const apiKeySchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(['user', 'admin']),
    owner: z.string(),
    prefix: z.string().describe("The key's first characters, never the key"),
    budget: z.strictObject({ daily: usd.optional(), monthly: usd.optional(), total: usd.optional() }),
    rateLimit: z.strictObject({ requestsPerMinute: z.int().optional(), maxConcurrentGenerations: z.int().optional() }),
    createdAt: isoDate,
    revokedAt: isoDate.optional(),
  })
  .meta({ title: 'ApiKey' });
export const apiKeyCreatedSchema = apiKeySchema.extend({ key: z.string().describe('The key itself: shown in this answer only') });
export const apiKeyListSchema = z.strictObject({ data: z.array(apiKeySchema) });

const usageAmounts = {
  estimatedUsd: usd.describe('What the price table estimated for the settled generations'),
  settledUsd: usd.describe("What they cost: providers' reported charges where reported, else the estimate of the model that produced the result"),
  reportedUsd: usd.describe('The part of settledUsd the providers reported themselves'),
  reservedUsd: usd,
  releasedUsd: usd,
};
export const usageSchema = z.strictObject({
  owner: z.string().optional(),
  from: z.iso.date(),
  to: z.iso.date(),
  data: z.array(
    z.strictObject({
      day: z.iso.date(),
      model: z.string().describe('The model the money went to: after a fallback, the fallback that produced the result'),
      provider: z.string(),
      generations: z.int().min(0),
      ...usageAmounts,
    }),
  ),
  totals: z.strictObject({ generations: z.int().min(0), ...usageAmounts }),
});

export const providerConfigSchema = z.strictObject({
  providerId: z.string(),
  baseUrl: z.string().nullable(),
  apiKeys: z.array(z.string()).nullable().describe('Masked'),
  enabled: z.boolean(),
  timeoutMs: z.int().nullable(),
  rateLimit: z.strictObject({ requestsPerSecond: z.number().optional(), maxConcurrent: z.int().optional() }).nullable(),
  models: z
    .record(z.string(), z.strictObject({ enabled: z.boolean().optional(), defaults: z.record(z.string(), z.unknown()).optional() }))
    .nullable()
    .describe('Per-model settings, by model id'),
  version: z.int(),
  updatedAt: isoDate,
});

export const errorLogListSchema = z.strictObject({
  data: z.array(
    z.strictObject({
      id: z.string(),
      generationId: z.string().nullable(),
      provider: z.string().nullable(),
      model: z.string().nullable(),
      stage: z.string(),
      source: z.string(),
      code: z.string(),
      message: z.string(),
      attempt: z.int(),
      createdAt: isoDate,
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const alertSchema = z
  .strictObject({
    id: z.uuid(),
    rule: z.string(),
    subject: z.string(),
    severity: z.string(),
    status: z.enum(['open', 'acknowledged', 'resolved']),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    createdAt: isoDate,
    lastSeenAt: isoDate,
    resolvedAt: isoDate.nullable(),
    acknowledgedAt: isoDate.nullable(),
  })
  .meta({ title: 'Alert' });
export const alertListSchema = z.strictObject({ data: z.array(alertSchema), nextCursor: z.string().nullable() });

// Compile-time agreement between the views and their schemas: each pair of functions stops
// compiling when a view gains, loses or changes a field its schema does not (or vice versa);
// the key checks catch an optional field on one side only, which assignability lets through.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Generation = z.output<typeof generationSchema>;
type Batch = z.output<typeof batchSchema>;
type Provider = z.output<typeof providerListSchema>['data'][number];
type ApiKey = z.output<typeof apiKeySchema>;
type Alert = z.output<typeof alertSchema>;
type Estimate = z.output<typeof generationEstimateSchema>;
type BatchEst = z.output<typeof batchEstimateSchema>;
export const _viewSchemaChecks = [
  (v: GenerationView): Generation => v,
  (v: Generation): GenerationView => v,
  (v: BatchView): Batch => v,
  (v: Batch): BatchView => v,
  (v: ProviderStatus): Provider => v,
  (v: Provider): ProviderStatus => v,
  (v: ApiKeyView): ApiKey => v,
  (v: ApiKey): ApiKeyView => v,
  (v: AlertView): Alert => v,
  (v: Alert): AlertView => v,
  (v: GenerationEstimate): Estimate => v,
  (v: BatchEstimate): BatchEst => v,
];
export const _viewKeyChecks: [
  SameKeys<GenerationView, Generation>,
  SameKeys<BatchView, Batch>,
  SameKeys<ProviderStatus, Provider>,
  SameKeys<ApiKeyView, ApiKey>,
  SameKeys<AlertView, Alert>,
] = [true, true, true, true, true];
