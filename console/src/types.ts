/** The parts of genflow's answers the console reads: the API's own types where domain/ declares them. */

import type { GenerationView } from '../../domain/generation';

// Type-only imports from domain/ (erased by esbuild): the console reads exactly what the API
// declares, so a changed view fails `tsc -p console` instead of drifting.
export type { GenerationStatus } from '../../domain/status';
export type { GenerationAttempt as Attempt } from '../../domain/attempts';
export type { BatchSummary, BatchView as Batch } from '../../domain/batch';
export type Generation = GenerationView;
export type Output = GenerationView['outputs'][number];

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** A JSON Schema node as zod's toJSONSchema writes it for model parameters. */
export interface JsonSchema {
  type?: string | string[];
  enum?: Array<string | number | boolean>;
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  maxLength?: number;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
}

export interface Model {
  id: string;
  provider: string;
  description: string;
  kinds: string[];
  async: boolean;
  inputImages: { mode: string; max: number };
  expectedDurationSeconds: number;
  parameters: JsonSchema;
}
