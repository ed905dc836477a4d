import { z } from 'zod';

export const ExperimentStatus = {
  draft: 'draft',
  running: 'running',
  paused: 'paused',
  completed: 'completed',
} as const;
export type ExperimentStatus = (typeof ExperimentStatus)[keyof typeof ExperimentStatus];

export const METRIC_NAMES = ['success_rate', 'latency', 'cost', 'rating'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type MetricGoal = 'maximize' | 'minimize';

export const MAX_VARIANTS = 10;

const variantBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  model: z.string().min(1).max(200),
  parameters: z.record(z.string(), z.unknown()).optional(),
  /** `{prompt}` is replaced by the request's prompt; without it the template is prepended. */
  promptTemplate: z.string().min(1).max(2000).optional(),
});

const stopRules = z.strictObject({
  /** No winner is declared before every variant has this many outcomes. */
  minSamplesPerVariant: z.int().min(1).max(1_000_000).default(100),
  /** 1 − the overall false-positive rate the stopping rule allows. */
  confidence: z.number().min(0.5).max(0.9999).default(0.95),
  /** Stop (without a winner unless one was found) this many days after the start. */
  maxDays: z.number().positive().max(3650).optional(),
  /** Stop once the outcomes' total cost in USD reaches this. */
  maxCost: z.number().positive().optional(),
  /** Stop once every variant has this many outcomes. */
  maxSamplesPerVariant: z.int().min(1).optional(),
});

/** The body of `POST /v1/experiments`. */
export const createExperimentBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(4000).optional(),
    variants: z.array(variantBody).min(2).max(MAX_VARIANTS),
    /** Name of the control variant; the first variant by default. */
    control: z.string().optional(),
    allocation: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('fixed'), weights: z.array(z.number().min(0)).min(2).max(MAX_VARIANTS) }),
      z.strictObject({ type: z.literal('thompson') }),
    ]),
    metrics: z
      .array(z.strictObject({ name: z.enum(METRIC_NAMES), goal: z.enum(['maximize', 'minimize']), primary: z.boolean().optional() }))
      .min(1)
      .max(METRIC_NAMES.length),
    stopRules: stopRules.prefault({}),
    /** How often the workflow recomputes weights and checks its stop rules. */
    recomputeIntervalSeconds: z.int().min(1).max(86_400).default(60),
  })
  .superRefine((body, ctx) => {
    const names = body.variants.map((v) => v.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'variant names must be unique' });
    if (body.control !== undefined && !names.includes(body.control)) {
      ctx.addIssue({ code: 'custom', path: ['control'], message: 'must name one of the variants' });
    }
    if (body.allocation.type === 'fixed') {
      const w = body.allocation.weights;
      if (w.length !== body.variants.length) {
        ctx.addIssue({ code: 'custom', path: ['allocation', 'weights'], message: 'needs one weight per variant' });
      } else if (!(w.reduce((s, x) => s + x, 0) > 0)) {
        ctx.addIssue({ code: 'custom', path: ['allocation', 'weights'], message: 'at least one weight must be positive' });
      }
    }
    const metricNames = body.metrics.map((m) => m.name);
    if (new Set(metricNames).size !== metricNames.length) ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'each metric at most once' });
    if (body.metrics.filter((m) => m.primary).length > 1) ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'at most one primary metric' });
  });
export type CreateExperimentBody = z.infer<typeof createExperimentBody>;

export interface VariantDefinition {
  /** Stable id within the experiment: `v1`, `v2`, … in the order given. */
  id: string;
  name: string;
  model: string;
  parameters: Record<string, unknown>;
  promptTemplate?: string;
}

export interface MetricDefinition {
  name: MetricName;
  goal: MetricGoal;
}

export interface StopRules {
  minSamplesPerVariant: number;
  confidence: number;
  maxDays?: number;
  maxCost?: number;
  maxSamplesPerVariant?: number;
}

/** Everything the workflow and the results need to know; plain data, crosses into workflow code. */
export interface ExperimentDefinition {
  id: string;
  name: string;
  variants: VariantDefinition[];
  controlId: string;
  allocation: { type: 'fixed'; weights: number[] } | { type: 'thompson' };
  metrics: MetricDefinition[];
  primaryMetric: MetricDefinition;
  stopRules: StopRules;
  recomputeIntervalSeconds: number;
}

export function toDefinition(id: string, body: CreateExperimentBody): ExperimentDefinition {
  const variants = body.variants.map((v, i) => ({
    id: `v${i + 1}`,
    name: v.name,
    model: v.model,
    parameters: v.parameters ?? {},
    ...(v.promptTemplate !== undefined ? { promptTemplate: v.promptTemplate } : {}),
  }));
  const control = variants.find((v) => v.name === body.control) ?? variants[0]!;
  const metrics = body.metrics.map((m) => ({ name: m.name, goal: m.goal }));
  const primaryIndex = Math.max(0, body.metrics.findIndex((m) => m.primary));
  return {
    id,
    name: body.name,
    variants,
    controlId: control.id,
    allocation: body.allocation.type === 'fixed' ? { type: 'fixed', weights: body.allocation.weights } : { type: 'thompson' },
    metrics,
    primaryMetric: metrics[primaryIndex]!,
    stopRules: body.stopRules,
    recomputeIntervalSeconds: body.recomputeIntervalSeconds,
  };
}

/** Initial traffic split: the fixed weights, or an even split for a bandit until it has data. */
export function initialWeights(def: ExperimentDefinition): number[] {
  const raw = def.allocation.type === 'fixed' ? def.allocation.weights : def.variants.map(() => 1);
  const total = raw.reduce((s, w) => s + w, 0);
  return raw.map((w) => w / total);
}

/** A finished generation, as the experiment workflow receives it. */
export interface ExperimentOutcome {
  generationId: string;
  variantId: string;
  success: boolean;
  latencyMs: number;
  costUsd: number;
  segment?: string;
}

export interface ExperimentRating {
  generationId: string;
  variantId: string;
  rating: number;
  /** The generation's earlier rating, when this one replaces it. */
  previousRating?: number;
  segment?: string;
}

/** Applies a prompt template: `{prompt}` is replaced; a template without it is prepended. */
export function applyPromptTemplate(template: string | undefined, prompt: string): string {
  if (!template) return prompt;
  return template.includes('{prompt}') ? template.split('{prompt}').join(prompt) : `${template} ${prompt}`;
}

export function experimentWorkflowId(experimentId: string): string {
  return `exp_${experimentId}`;
}
