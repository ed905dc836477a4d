import type { z } from 'zod';
import type { ProviderCharge } from '../domain/charges';
import type { ErrorBody } from '../domain/errors';
import type { GenerationRequest } from '../domain/generation';
import type { InputImageMode, ModelKind } from '../domain/models';
import type { VideoOptions } from '../domain/video-options';
import type { PreprocessPresetName } from '../media/preprocess-presets';
import type { ProviderOutput } from '../media/provider-output';
import type { PriceRule } from './pricing';

/**
 * One row of a provider's declarative model table. `P` is the zod schema of the model's
 * parameters; its defaults are applied by the API before a workflow starts.
 */
export interface ModelSpec<P extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>> {
  /** `<provider>/<model>` */
  id: string;
  kinds: readonly ModelKind[];
  description: string;
  parameters: P;
  inputImages: { mode: InputImageMode; max: number };
  /** How input images are resized/converted before the provider sees them; `standard` when absent. */
  preprocess?: PreprocessPresetName;
  async: boolean;
  /** Typical job length; the first poll of an async job waits about this long. */
  expectedDurationSeconds: number;
  /** After this the job fails with TASK_TIMEOUT. */
  maxDurationSeconds: number;
  /**
   * Video models: the normalised `durationSeconds` / `aspectRatio` / `resolution` values they
   * allow (see domain/video-options.ts); the API refuses others with UNSUPPORTED_CAPABILITY.
   */
  video?: VideoOptions;
  /**
   * How the provider bills the model, and the estimate in USD of one request (providers/pricing.ts):
   * every built-in model has one, `free('why')` when it costs nothing.
   */
  price?: PriceRule;
  /**
   * A model that continues a task the provider made earlier (Kie's extends): the parameter
   * `taskIdParameter` names that task by the provider's id, `generationParameter` by the genflow
   * generation that made it (the submit puts its task id in). Task ids belong to the account
   * that made them, so the submit uses the key that made the source task.
   */
  sourceTask?: {
    taskIdParameter: string;
    generationParameter: string;
    /** The models whose tasks it can continue (a source generation made by another is refused). */
    models: readonly string[];
  };
}

export type { ProviderOutput };

/**
 * `charge`: what the provider reported charging for the task, where its API says so (a header
 * or a field of the answer), converted to USD by the adapter's documented rule. Absent, the
 * generation settles at the model's price-table estimate.
 */
export type SubmitResult =
  | { status: 'succeeded'; outputs: ProviderOutput[]; charge?: ProviderCharge }
  | { status: 'pending'; taskId: string };

export type PollResult =
  | { status: 'pending' | 'running'; progress?: number }
  | { status: 'succeeded'; outputs: ProviderOutput[]; charge?: ProviderCharge }
  | { status: 'canceled' };
// A failed job is reported by throwing a ProviderError with the matching code (and `charge`
// when the provider charged for the failed task).

export interface CallContext {
  generationId: string;
  /** Temporal's attempt number of the current activity, starting at 1. */
  attempt: number;
  /** One key from the provider's pool, when it needs one. */
  apiKey?: string;
  signal?: AbortSignal;
  /**
   * Submit only, when GENFLOW_PUBLIC_URL is set and the model is async: where the provider
   * should report the task (its webhook / callback field); polling stays the safety net.
   */
  callbackUrl?: string;
  /**
   * Submit only: the same for every attempt of one generation on one model. Adapters pass it as
   * the provider's idempotency / deduplication key where the provider has one.
   */
  idempotencyKey?: string;
}

export interface ProviderAdapter {
  submit(request: GenerationRequest, ctx: CallContext): Promise<SubmitResult>;
  poll?(taskId: string, request: GenerationRequest, ctx: CallContext): Promise<PollResult>;
  cancel?(taskId: string, ctx: CallContext): Promise<void>;
  /**
   * Verifies a provider's webhook delivery with the shared secret and reads the task it is
   * about; throws ProviderError('AUTHENTICATION_FAILED') when it is forged or stale. May answer
   * a promise: fal signs with public keys that are fetched (and cached) from its JWKS URL.
   */
  parseWebhook?(req: WebhookRequest, secret: string): WebhookEvent | Promise<WebhookEvent>;
  /**
   * A cheap call that proves the provider answers and accepts the key (e.g. listing models),
   * for the provider-health workflow; throws ProviderError like any call. Without it, health
   * is judged from the key pool alone.
   */
  probe?(ctx: CallContext): Promise<void>;
}

/** A webhook delivery as received: header names in lower case, the raw body (signatures cover its bytes). */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** What a verified webhook says about a task: a poll result, or the failure a poll would have thrown. */
export interface WebhookEvent {
  taskId: string;
  result: PollResult | { status: 'failed'; error: ErrorBody };
}

export interface Provider {
  id: string;
  displayName: string;
  models: readonly ModelSpec[];
  /** Whether calls need an API key from the pool. */
  requiresApiKey: boolean;
  /**
   * Hosts that deliver this provider's outputs and may receive its key with a download
   * (`*.name` for subdomains); the configured base URL's host counts too. Output URLs on any
   * other host are fetched without credentials.
   */
  deliveryHosts?: readonly string[];
  /** The real service's base URL; `GENFLOW_<PROVIDER>_BASE_URL` overrides it (e.g. a local fake). */
  defaultBaseUrl?: string;
  /**
   * The version segment the provider's docs put at the end of its base URL (`/v1`), with which
   * every adapter path starts: a base URL given with it works as well as without
   * (providers/settings.ts `normaliseBaseUrl`).
   */
  baseUrlVersion?: string;
  /** Declared in the GENFLOW_CUSTOM_PROVIDERS file rather than written as code. */
  custom?: boolean;
  /** Limits that hold across all workers; `GENFLOW_<P>_RPS` / `_MAX_CONCURRENT` override them. */
  rateLimit?: ProviderRateLimit;
  /**
   * The provider's own optional settings (`WEBHOOK_URL`), read from `GENFLOW_<P>_<NAME>` by
   * providers/settings.ts and handed to `createAdapter` as `env.settings`: adapters never read
   * the process environment themselves.
   */
  settings?: readonly string[];
  /**
   * For a provider that needs no API key but does need some of its `settings` (Vertex AI's
   * credentials): why it cannot serve with the settings given, or undefined when it can. The
   * API then refuses its submits at once and marks its models unavailable, as for a missing key.
   */
  missingSettings?(settings: Readonly<Record<string, string>>): string | undefined;
  createAdapter(env: ProviderEnv): ProviderAdapter;
}

export interface ProviderRateLimit {
  requestsPerSecond?: number;
  maxConcurrent?: number;
}

/** What an adapter is built with: where to send requests and where it may keep state. */
export interface ProviderEnv {
  /** Folder a provider may keep local state in (the `local` provider's jobs). */
  dataDir: string;
  /** Base URL without a trailing slash: the override from the environment or the default. */
  baseUrl: string;
  /** The fetch to use; tests may pass one that records calls. */
  fetch: typeof fetch;
  /** Per-request time-out set by the provider's config (`PUT /v1/providers/:id/config`); else the default. */
  timeoutMs?: number;
  /** The provider's declared settings (`Provider.settings`) that are set, by name without the prefix. */
  settings?: Readonly<Record<string, string>>;
}
