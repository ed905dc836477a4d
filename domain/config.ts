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
  TEMPORAL_CLI_PATH: optionalString,
  GENFLOW_STORAGE: z.enum(['local']).default('local'),
  GENFLOW_MEDIA_DIR: optionalString,
  GENFLOW_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'like 10mb').default('10mb'),
  GENFLOW_BATCH_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'like 32mb').default('32mb'),
  GENFLOW_TASK_QUEUE: z.string().min(1).default('genflow-generations'),
  GENFLOW_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(100),
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
