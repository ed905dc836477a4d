import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb columns: written as JSON text, read back as parsed values. */
type Json<T> = ColumnType<T, string, string>;

export interface GenerationsTable {
  id: string;
  workflow_id: string;
  model: string;
  provider: string;
  kind: string;
  status: string;
  progress: Generated<number>;
  prompt: string;
  parameters: Json<Record<string, unknown>>;
  input_images: Json<string[]>;
  number_of_outputs: number;
  provider_task_id: string | null;
  error_code: string | null;
  error_message: string | null;
  error_details: Json<unknown> | null;
  idempotency_key: string | null;
  request_hash: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** Set for items of a batch (migration 0003). */
  batch_id: ColumnType<string | null, string | null | undefined, string | null>;
  batch_index: ColumnType<number | null, number | null | undefined, number | null>;
  /** USD; `cost` is settled when the generation finishes. */
  estimated_cost: ColumnType<number | null, number | null | undefined, number | null>;
  cost: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface AssetsTable {
  id: string;
  generation_id: string;
  index: number;
  storage_key: string;
  content_type: string;
  // bigint: a video can exceed 2 GiB. pg returns int8 as a string, hence the read type.
  bytes: ColumnType<string | number, number, number>;
  sha256: string;
  width: number | null;
  height: number | null;
  duration_seconds: number | null;
  created_at: GeneratedTimestamp;
}

export interface BatchesTable {
  id: string;
  workflow_id: string;
  status: string;
  total: number;
  max_concurrency: number;
  stop_on_error: boolean;
  webhook_url: string | null;
  estimated_cost: number;
  actual_cost: number | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  completed_at: Timestamp | null;
}

export interface ProviderCallsTable {
  id: Generated<string>;
  provider: string;
  at: Timestamp;
}

export interface ProviderLeasesTable {
  id: string;
  provider: string;
  expires_at: Timestamp;
}

export interface Database {
  generations: GenerationsTable;
  assets: AssetsTable;
  batches: BatchesTable;
  provider_calls: ProviderCallsTable;
  provider_leases: ProviderLeasesTable;
}

export type GenerationRow = Selectable<GenerationsTable>;
export type NewGeneration = Insertable<GenerationsTable>;
export type GenerationUpdate = Updateable<GenerationsTable>;
export type AssetRow = Selectable<AssetsTable>;
export type BatchRow = Selectable<BatchesTable>;
export type NewBatch = Insertable<BatchesTable>;
