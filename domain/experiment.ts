import { z } from 'zod';
import { METRIC_NAMES, type ExperimentDefinition } from './experiment-types';
import { generationBodyFields } from './generation';

export * from './experiment-types';

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


/**
 * `POST /v1/generations` naming an experiment: the experiment picks the model (and parameters
 * and prompt template) by variant, so `model` is not accepted.
 */
// No studio attachment through an experiment (yet): refused as unknown fields, not dropped.
export const experimentGenerationBody = generationBodyFields
  .omit({ model: true, kind: true, frameId: true, shotId: true })
  .extend({
    experimentId: z.string().min(1).max(100),
    /** Same user, same variant (under fixed weights). */
    userId: z.string().min(1).max(200).optional(),
    /** A cohort for segmented analysis, e.g. "free" / "pro". */
    segment: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type ExperimentGenerationBody = z.infer<typeof experimentGenerationBody>;
