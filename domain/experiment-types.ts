/** Experiment types and helpers without zod: safe and light in workflow code. */

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
