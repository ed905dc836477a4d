import { z } from 'zod';
import { DEFAULT_THRESHOLDS, type AlertThresholds } from './alerts';
import { ConfigError } from './config';

const urls = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/ })));

/** Alerting settings from the environment; defaults are the S2 note's thresholds. */
const schema = z.object({
  GENFLOW_ALERT_WEBHOOK_URLS: urls,
  GENFLOW_ALERT_SLACK_URLS: urls,
  GENFLOW_ALERT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(10_080).default(DEFAULT_THRESHOLDS.windowMinutes),
  GENFLOW_ALERT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(DEFAULT_THRESHOLDS.failureRate),
  GENFLOW_ALERT_TIMEOUT_RATE: z.coerce.number().min(0).max(1).default(DEFAULT_THRESHOLDS.timeoutRate),
  GENFLOW_ALERT_MAX_RETRIES: z.coerce.number().int().min(0).max(100).default(DEFAULT_THRESHOLDS.maxRetries),
  GENFLOW_ALERT_MIN_SAMPLES: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_THRESHOLDS.minSamples),
  GENFLOW_ALERT_DB_ERRORS: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_THRESHOLDS.databaseErrors),
  /** How often the provider-health schedule runs, in Temporal's duration syntax; "0" removes the schedule. */
  GENFLOW_HEALTH_INTERVAL: z.string().trim().regex(/^(0|\d+\s*(s|m|h|d|seconds?|minutes?|hours?|days?))$/i, 'like "5 minutes" or "0"').default('5 minutes'),
  /** Two deployments sharing a Temporal namespace each need a schedule of their own. */
  GENFLOW_HEALTH_SCHEDULE_ID: z.string().trim().min(1).max(200).default('genflow-provider-health'),
});

export interface AlertChannel {
  /** `webhook:0`, `slack:1`: an index into the configured URLs, so no URL enters a workflow history. */
  id: string;
  type: 'webhook' | 'slack';
  url: string;
}

export interface AlertSettings {
  thresholds: AlertThresholds;
  channels: AlertChannel[];
  healthInterval: string;
  healthScheduleId: string;
}

export function parseAlertSettings(env: Record<string, string | undefined>): AlertSettings {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const s = result.data;
  return {
    thresholds: {
      windowMinutes: s.GENFLOW_ALERT_WINDOW_MINUTES,
      failureRate: s.GENFLOW_ALERT_FAILURE_RATE,
      timeoutRate: s.GENFLOW_ALERT_TIMEOUT_RATE,
      maxRetries: s.GENFLOW_ALERT_MAX_RETRIES,
      minSamples: s.GENFLOW_ALERT_MIN_SAMPLES,
      databaseErrors: s.GENFLOW_ALERT_DB_ERRORS,
    },
    channels: [
      ...s.GENFLOW_ALERT_WEBHOOK_URLS.map((url, i) => ({ id: `webhook:${i}`, type: 'webhook' as const, url })),
      ...s.GENFLOW_ALERT_SLACK_URLS.map((url, i) => ({ id: `slack:${i}`, type: 'slack' as const, url })),
    ],
    healthInterval: s.GENFLOW_HEALTH_INTERVAL,
    healthScheduleId: s.GENFLOW_HEALTH_SCHEDULE_ID,
  };
}
