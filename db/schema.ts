import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { GenerationAttempt } from '../domain/attempts';
import type { Billing } from '../domain/charges';
import type { ExperimentDefinition } from '../domain/experiment-types';
import type { ExperimentState } from '../domain/experiment-state';

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
  /** domain/search-tokens.ts documentTokens(prompt) */
  search_tokens: ColumnType<string[], string[] | undefined, string[]>;
  metadata: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** The prompt the provider got after prompt enhancement; `prompt` keeps the caller's. */
  enhanced_prompt: ColumnType<string | null, string | null | undefined, string | null>;
  /** 'request' (the caller named the model) or 'default' (the configured default for the kind). */
  model_selected_by: ColumnType<string, string | undefined, string>;
  /** Set when the generation was allocated by an experiment (migration 0004). */
  experiment_id?: string | null;
  experiment_variant?: string | null;
  experiment_segment?: string | null;
  /** Set for items of a batch (migration 0003). */
  batch_id: ColumnType<string | null, string | null | undefined, string | null>;
  batch_index: ColumnType<number | null, number | null | undefined, number | null>;
  /** USD; `cost` is settled when the generation finishes. */
  estimated_cost: ColumnType<number | null, number | null | undefined, number | null>;
  cost: ColumnType<number | null, number | null | undefined, number | null>;
  /** Who may see it, and the key that submitted it (migration 0007); null for older rows. */
  owner: ColumnType<string | null, string | null | undefined, string | null>;
  api_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Migration 0010: fallbacks, attempts, callbacks, submit counters. */
  fallback_models: ColumnType<string[], string | undefined, string>;
  attempts: ColumnType<GenerationAttempt[], string | undefined, string>;
  result_model: ColumnType<string | null, string | null | undefined, string | null>;
  /** The model whose provider task `provider_task_id` is (a fallback's, after a fallback). */
  provider_task_model: ColumnType<string | null, string | null | undefined, string | null>;
  /** Migration 0019: the id of the key that submitted that task (its polls and cancels use it); null before. */
  provider_task_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** The secret in provider callback URLs of providers that do not sign their webhooks. */
  callback_token: ColumnType<string | null, string | null | undefined, string | null>;
  webhook_url: ColumnType<string | null, string | null | undefined, string | null>;
  webhook_delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  webhook_last_error: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set while a provider submit is in flight: found set by the next submit, that one may be a duplicate. */
  submit_pending_model: ColumnType<string | null, string | null | undefined, string | null>;
  /** Provider submit calls made, and those made while an earlier one's fate was unknown. */
  provider_submissions: ColumnType<number, number | undefined, number>;
  duplicate_submissions: ColumnType<number, number | undefined, number>;
  /** Migration 0012: per-model estimates and provider charges, and how it was settled (domain/charges.ts). */
  billing: ColumnType<Billing, string | undefined, string>;
  /** Migration 0018: where the generation is attached in the studio (a shot or a frame, never both). */
  studio_shot_id: ColumnType<string | null, string | null | undefined, string | null>;
  studio_frame_id: ColumnType<string | null, string | null | undefined, string | null>;
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

export interface ProviderKeyStateTable {
  provider: string;
  key_id: string;
  masked: string;
  disabled: boolean;
  cooling_down_until: Timestamp | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: Timestamp | null;
  updated_at: GeneratedTimestamp;
}

export interface ExperimentsTable {
  id: string;
  workflow_id: string;
  name: string;
  description: string | null;
  status: string;
  lifecycle_version: Generated<number>;
  definition: Json<ExperimentDefinition>;
  weights: Json<number[]>;
  state: Json<ExperimentState> | null;
  stop_reason: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
}

export interface RatingsTable {
  generation_id: string;
  rating: number;
  feedback: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface BatchesTable {
  id: string;
  workflow_id: string;
  status: string;
  total: number;
  max_concurrency: number;
  stop_on_error: boolean;
  webhook_url: string | null;
  webhook_delivered_at?: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  webhook_last_error?: ColumnType<string | null, string | null | undefined, string | null>;
  estimated_cost: number;
  actual_cost: number | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  completed_at: Timestamp | null;
  owner: ColumnType<string | null, string | null | undefined, string | null>;
  api_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** `<owner>\n<Idempotency-Key>`: keys are per owner, like generations'. */
  idempotency_key: ColumnType<string | null, string | null | undefined, string | null>;
  request_hash: ColumnType<string | null, string | null | undefined, string | null>;
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

export interface ProviderConfigsTable {
  provider: string;
  base_url: string | null;
  /** providers/secret-box.ts seal(JSON of the key list); never the keys in clear. */
  api_keys_sealed: string | null;
  enabled: boolean;
  timeout_ms: number | null;
  rate_limit: ColumnType<ProviderRateLimitJson | null, string | null, string | null>;
  /** Migration 0019: per-model settings, by model id. */
  models: ColumnType<Record<string, { enabled?: boolean; defaults?: Record<string, unknown> }> | null, string | null | undefined, string | null>;
  version: Generated<number>;
  updated_at: GeneratedTimestamp;
}

/** Migration 0023: custom providers declared over the API (the declaration as validated, no secrets). */
export interface CustomProvidersTable {
  id: string;
  declaration: ColumnType<unknown, string, string>;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface ProviderRateLimitJson {
  requestsPerSecond?: number;
  maxConcurrent?: number;
}

/** A failed activity attempt or generation (migration 0009). */
export interface ErrorLogsTable {
  id: Generated<string>;
  generation_id: string | null;
  provider: string | null;
  model: string | null;
  /** The step that failed: submit, poll, enhance, cancel, prepare-inputs, probe, finish. */
  stage: string;
  /** 'provider' (the provider failed), 'database', or 'genflow' (anything else). */
  source: string;
  code: string;
  message: string;
  attempt: Generated<number>;
  created_at: GeneratedTimestamp;
}

/** A raised alert (migration 0009); one unresolved row per dedupe key. */
export interface AlertsTable {
  id: string;
  rule: string;
  subject: string;
  dedupe_key: string;
  severity: string;
  /** 'open', 'acknowledged' or 'resolved'. */
  status: string;
  message: string;
  details: Json<Record<string, unknown>>;
  created_at: GeneratedTimestamp;
  last_seen_at: GeneratedTimestamp;
  resolved_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
}

/** int8 columns: pg returns them as strings unless a type parser says otherwise. */
type Int8 = ColumnType<string | number, number, number>;
type NullableInt8 = ColumnType<string | number | null, number | null | undefined, number | null>;

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  role: string;
  owner: string;
  budget_daily_micros: NullableInt8;
  budget_monthly_micros: NullableInt8;
  budget_total_micros: NullableInt8;
  requests_per_minute: ColumnType<number | null, number | null | undefined, number | null>;
  max_concurrent_generations: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: GeneratedTimestamp;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ApiKeyRequestsTable {
  key_id: string;
  window_start: Timestamp;
  count: number;
}

export interface UsageLedgerTable {
  generation_id: string;
  key_id: string;
  owner: string;
  model: string;
  state: string;
  reserved_micros: Int8;
  settled_micros: NullableInt8;
  /** Migration 0012: the model the money went to, its estimate, where the amount came from, why. */
  charged_model: ColumnType<string | null, string | null | undefined, string | null>;
  estimated_micros: NullableInt8;
  charge_source: ColumnType<string | null, string | null | undefined, string | null>;
  charge_reason: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: GeneratedTimestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Migration 0018: the studio hierarchy (db/studio-repo.ts). */
export interface StudioProjectsTable {
  id: string;
  owner: string;
  name: string;
  notes: ColumnType<string, string | undefined, string>;
  /** domain/studio.ts ProjectDefaults */
  defaults: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

interface StudioNodeColumns {
  id: string;
  name: string;
  /** The API's `order`. */
  position: number;
  notes: ColumnType<string, string | undefined, string>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}
export interface StudioEpisodesTable extends StudioNodeColumns {
  project_id: string;
}
export interface StudioShotsTable extends StudioNodeColumns {
  episode_id: string;
  project_id: string;
}
export interface StudioFramesTable extends StudioNodeColumns {
  shot_id: string;
  project_id: string;
}

export interface Database {
  studio_projects: StudioProjectsTable;
  studio_episodes: StudioEpisodesTable;
  studio_shots: StudioShotsTable;
  studio_frames: StudioFramesTable;
  generations: GenerationsTable;
  assets: AssetsTable;
  provider_key_state: ProviderKeyStateTable;
  provider_configs: ProviderConfigsTable;
  custom_providers: CustomProvidersTable;
  experiments: ExperimentsTable;
  ratings: RatingsTable;
  batches: BatchesTable;
  provider_calls: ProviderCallsTable;
  provider_leases: ProviderLeasesTable;
  error_logs: ErrorLogsTable;
  alerts: AlertsTable;
  api_keys: ApiKeysTable;
  api_key_requests: ApiKeyRequestsTable;
  usage_ledger: UsageLedgerTable;
}

export type GenerationRow = Selectable<GenerationsTable>;
export type NewGeneration = Insertable<GenerationsTable>;
export type GenerationUpdate = Updateable<GenerationsTable>;
export type AssetRow = Selectable<AssetsTable>;
export type ExperimentRow = Selectable<ExperimentsTable>;
export type RatingRow = Selectable<RatingsTable>;
export type BatchRow = Selectable<BatchesTable>;
export type NewBatch = Insertable<BatchesTable>;
export type ErrorLogRow = Selectable<ErrorLogsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type StudioProjectRow = Selectable<StudioProjectsTable>;
export type StudioEpisodeRow = Selectable<StudioEpisodesTable>;
export type StudioShotRow = Selectable<StudioShotsTable>;
export type StudioFrameRow = Selectable<StudioFramesTable>;
