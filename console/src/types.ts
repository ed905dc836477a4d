/** The parts of genflow's answers the console reads (the API's schemas: api/openapi/view-schemas.ts). */

export type GenerationStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface Output {
  id: string;
  url: string;
  contentType: string;
  bytes: number;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

export interface Attempt {
  model: string;
  status: 'succeeded' | 'failed' | 'canceled';
  code?: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
}

export interface Generation {
  id: string;
  model: string;
  provider: string;
  kind: string;
  status: GenerationStatus;
  progress: number;
  prompt: string;
  enhancedPrompt?: string;
  parameters: Record<string, unknown>;
  metadata: Record<string, unknown>;
  outputs: Output[];
  error?: { code: string; message: string; details?: unknown };
  experiment?: { id: string; variantId: string; segment?: string };
  resultModel?: string;
  fallbackModels?: string[];
  attempts?: Attempt[];
  estimatedCost?: number;
  cost?: number;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
}

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

export interface BatchSummary {
  id: string;
  status: string;
  totalTasks: number;
  counts: { total: number; queued: number; running: number; succeeded: number; failed: number; canceled: number };
  progress: number;
  estimatedCost: number;
  actualCost?: number;
  createdAt: string;
  completedAt?: string;
}

export interface Batch extends BatchSummary {
  items: Array<{ index: number; generationId: string; model: string; status: string; error?: { code: string; message: string } }>;
  nextCursor?: string;
}
