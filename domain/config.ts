import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * Every setting genflow reads from the environment, validated once at start so a typo fails
 * with a message naming the variable instead of surfacing later as an odd runtime error.
 */
export const configSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  GENFLOW_HOME: z.string().default('.genflow'),
  GENFLOW_PUBLIC_URL: optionalString.pipe(z.url().optional()),
  /** Express `trust proxy` (`true`, a hop count, or addresses like `loopback`): honour X-Forwarded-Proto/Host from that proxy. */
  GENFLOW_TRUST_PROXY: optionalString,
  /** Signs client callbacks (`webhookUrl`); requests with one are refused while unset. */
  GENFLOW_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'use at least 16 characters').optional()),
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  ),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** The Temporal Web UI the console links workflows to; default the embedded dev server's (none with an external TEMPORAL_ADDRESS). */
  GENFLOW_TEMPORAL_UI_URL: optionalString.pipe(z.url().optional()),
  TEMPORAL_CLI_PATH: optionalString,
  GENFLOW_STORAGE: z.enum(['local', 's3']).default('local'),
  GENFLOW_MEDIA_DIR: optionalString,
  GENFLOW_S3_BUCKET: optionalString,
  GENFLOW_S3_PREFIX: optionalString,
  GENFLOW_S3_ENDPOINT: optionalString.pipe(z.url().optional()),
  GENFLOW_S3_REGION: z.string().min(1).default('us-east-1'),
  GENFLOW_S3_FORCE_PATH_STYLE: z.enum(['0', '1', 'true', 'false']).default('false').transform((v) => v === '1' || v === 'true'),
  GENFLOW_S3_ACCESS_KEY_ID: optionalString,
  GENFLOW_S3_SECRET_ACCESS_KEY: optionalString,
  GENFLOW_S3_PRESIGN_SECONDS: z.coerce.number().int().min(60).max(604_800).default(3600),
  GENFLOW_S3_PART_SIZE_MB: z.coerce.number().int().min(5).max(5_000).default(8),
  GENFLOW_S3_QUEUE_SIZE: z.coerce.number().int().min(1).max(64).default(4),
  // Local files older than this are removed by the retention schedule; 0 keeps them forever.
  GENFLOW_RETENTION_DAYS: z.coerce.number().min(0).max(36_500).default(30),
  GENFLOW_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'like 10mb').default('10mb'),
  GENFLOW_BATCH_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'like 32mb').default('32mb'),
  GENFLOW_TASK_QUEUE: z.string().min(1).default('genflow-generations'),
  GENFLOW_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(100),
  /** A prebuilt workflow bundle the worker runs instead of building its own (a rolling upgrade ships one). */
  GENFLOW_WORKFLOW_BUNDLE: optionalString,
  /** Workflows kept in the worker's cache; unset: the SDK's default (sized from the heap limit). */
  GENFLOW_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).optional(),
  /** json (default) or pretty (human-readable; the default of `genflow dev`). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** A worker process serves GET /metrics on this port (the API serves it on PORT). */
  GENFLOW_METRICS_PORT: port.optional(),
  /** When set, GET /metrics needs `Authorization: Bearer <token>` (API and worker); unset, it is open to scrapers. */
  GENFLOW_METRICS_TOKEN: optionalString,
  /** host:port where the Temporal SDK exports its Prometheus metrics (proxied by /metrics); `off` disables. Default: a free loopback port. */
  GENFLOW_TEMPORAL_METRICS_ADDRESS: optionalString,
  /** A JSON or YAML file declaring custom HTTP providers. */
  GENFLOW_CUSTOM_PROVIDERS: optionalString,
  /** `kind=model,...`: the model used when a request gives a kind and no model. */
  GENFLOW_DEFAULT_MODELS: optionalString,
  /** The text-to-text model that runs for `enhancePrompt: true`. */
  GENFLOW_PROMPT_ENHANCER_MODEL: optionalString,
  GENFLOW_PROMPT_ENHANCER_SYSTEM_PROMPT: optionalString,
  /** A bootstrap admin API key (stored nowhere; compared by hash). Unset in `genflow dev`: one is created and printed once. */
  GENFLOW_ADMIN_API_KEY: optionalString,
  /** 32 bytes (base64 or hex): encrypts provider API keys stored over the API (AES-256-GCM). */
  GENFLOW_SECRET_KEY: optionalString,
  /** Limits of user API keys that have no override of their own (admin keys are unlimited by default). */
  GENFLOW_KEY_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  GENFLOW_KEY_MAX_CONCURRENT_GENERATIONS: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Workflow starts waiting in the outbox before submits are refused with 429 (README "Submitting without waiting for Temporal"). */
  GENFLOW_OUTBOX_MAX_BACKLOG: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  /** Workflow starts per second one process's outbox dispatcher makes at most. */
  GENFLOW_OUTBOX_START_RATE: z.coerce.number().min(1).max(100_000).default(500),
  /** Workflow starts one process's outbox dispatcher has in flight at once. */
  GENFLOW_OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
  /** How often a dispatcher looks for starts other processes recorded. */
  GENFLOW_OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** The share of its rate a dispatcher keeps while its process's own submits arrive faster than it may start them, or saturate the event loop (1: never yields). */
  GENFLOW_OUTBOX_BUSY_SHARE: z.coerce.number().min(0.01).max(1).default(0.02),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}
