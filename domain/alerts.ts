/**
 * Alert rules of the provider-health workflow (the S2 note's rules), as pure functions over
 * the numbers an activity reads from the error log and the generations table, so the workflow,
 * the activities and the tests agree on what fires.
 */
export const AlertRule = {
  /** A provider failed more than `failureRate` of its attempts in the window. */
  failureRate: 'provider_failure_rate',
  /** More than `timeoutRate` of a provider's finished generations timed out. */
  timeoutRate: 'provider_timeout_rate',
  /** A generation failed (and was retried) more than `maxRetries` times. */
  excessiveRetries: 'generation_retries',
  /** Every API key of a provider is disabled or cooling down. */
  keysExhausted: 'provider_keys_exhausted',
  /** The provider's health probe failed. */
  unreachable: 'provider_unreachable',
  /** genflow's own database failed calls (or could not be reached at all). */
  database: 'database_errors',
} as const;
export type AlertRule = (typeof AlertRule)[keyof typeof AlertRule];

export type AlertSeverity = 'warning' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface AlertThresholds {
  windowMinutes: number;
  failureRate: number;
  timeoutRate: number;
  maxRetries: number;
  /** Rates are judged only over at least this many attempts / generations. */
  minSamples: number;
  /** Database errors in the window that raise an alert. */
  databaseErrors: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  windowMinutes: 60,
  failureRate: 0.5,
  timeoutRate: 0.2,
  maxRetries: 3,
  minSamples: 10,
  databaseErrors: 1,
};

/** One provider's health probe. */
export interface ProbeResult {
  provider: string;
  ok: boolean;
  latencyMs: number;
  /** What was checked: the provider's own health call, or only its key pool. */
  method: 'probe' | 'keys';
  code?: string;
  message?: string;
  requiresApiKey: boolean;
  keys: { total: number; active: number };
}

export interface ProviderWindowStats {
  provider: string;
  /** Failed provider attempts (submit, poll, enhance) in the window. */
  failedAttempts: number;
  /** Generations that succeeded / finished (succeeded or failed) / timed out in the window. */
  succeeded: number;
  finished: number;
  timedOut: number;
  /** Generations with more than `maxRetries` failed attempts in the window, with their count. */
  retried: Array<{ generationId: string; failures: number }>;
}

export interface WindowStats {
  since: string;
  providers: ProviderWindowStats[];
  databaseErrors: number;
}

/** A condition that holds now; stored as (or folded into) an alert with the same dedupe key. */
export interface AlertCondition {
  rule: AlertRule;
  subject: string;
  dedupeKey: string;
  severity: AlertSeverity;
  message: string;
  details: Record<string, unknown>;
}

/** What a run looks at: every provider, or (tests, manual runs) only some, without the global rules. */
export interface HealthScope {
  providers?: string[];
}

export interface AlertNotice {
  event: 'raised' | 'resolved';
  alert: AlertView;
}

export interface AlertView {
  id: string;
  rule: string;
  subject: string;
  severity: string;
  status: AlertStatus;
  message: string;
  details: Record<string, unknown>;
  createdAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

function condition(rule: AlertRule, subject: string, severity: AlertSeverity, message: string, details: Record<string, unknown>): AlertCondition {
  return { rule, subject, dedupeKey: `${rule}:${subject}`, severity, message, details };
}

/** Every condition that holds, given the window's numbers and this run's probes. */
export function evaluateRules(stats: WindowStats, probes: ProbeResult[], t: AlertThresholds, scope: HealthScope = {}): AlertCondition[] {
  const out: AlertCondition[] = [];
  const window = `${t.windowMinutes} min`;
  for (const p of stats.providers) {
    // Each success ended with one good attempt; failed attempts are all in the log.
    const attempts = p.failedAttempts + p.succeeded;
    const failureRate = attempts ? p.failedAttempts / attempts : 0;
    if (attempts >= t.minSamples && failureRate > t.failureRate) {
      out.push(condition(AlertRule.failureRate, p.provider, 'critical',
        `${p.provider}: ${pct(failureRate)} of ${attempts} attempts failed in the last ${window} (threshold ${pct(t.failureRate)})`,
        { provider: p.provider, failureRate, attempts, failedAttempts: p.failedAttempts, windowMinutes: t.windowMinutes }));
    }
    const timeoutRate = p.finished ? p.timedOut / p.finished : 0;
    if (p.finished >= t.minSamples && timeoutRate > t.timeoutRate) {
      out.push(condition(AlertRule.timeoutRate, p.provider, 'warning',
        `${p.provider}: ${pct(timeoutRate)} of ${p.finished} generations timed out in the last ${window} (threshold ${pct(t.timeoutRate)})`,
        { provider: p.provider, timeoutRate, finished: p.finished, timedOut: p.timedOut, windowMinutes: t.windowMinutes }));
    }
    if (p.retried.length > 0) {
      out.push(condition(AlertRule.excessiveRetries, p.provider, 'warning',
        `${p.provider}: ${p.retried.length} generation(s) failed more than ${t.maxRetries} times in the last ${window}`,
        { provider: p.provider, maxRetries: t.maxRetries, generations: p.retried.slice(0, 20) }));
    }
  }
  for (const probe of probes) {
    if (probe.requiresApiKey && probe.keys.total > 0 && probe.keys.active === 0) {
      out.push(condition(AlertRule.keysExhausted, probe.provider, 'critical',
        `${probe.provider}: all ${probe.keys.total} API keys are disabled or cooling down`,
        { provider: probe.provider, keys: probe.keys }));
    } else if (!probe.ok && probe.method === 'probe') {
      out.push(condition(AlertRule.unreachable, probe.provider, 'critical',
        `${probe.provider}: health probe failed: ${probe.code ?? 'error'}: ${probe.message ?? ''}`.trim(),
        { provider: probe.provider, code: probe.code, message: probe.message }));
    }
  }
  if (!scope.providers && stats.databaseErrors >= t.databaseErrors) {
    out.push(condition(AlertRule.database, 'database', 'critical',
      `${stats.databaseErrors} database error(s) in the last ${window}`,
      { databaseErrors: stats.databaseErrors, windowMinutes: t.windowMinutes }));
  }
  return out;
}
