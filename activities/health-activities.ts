import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { AlertsRepo } from '../db/alerts-repo';
import type { ErrorLogsRepo } from '../db/error-logs-repo';
import type { AlertSettings } from '../domain/alert-settings';
import { AlertRule, evaluateRules, type AlertNotice, type HealthScope, type ProbeResult } from '../domain/alerts';
import { GenflowError } from '../domain/errors';
import type { FetchPolicy } from '../media/fetch-policy';
import type { ProviderGateway } from '../providers/provider-gateway';
import { deliver } from './alert-channels';
import { createErrorLog } from './error-log';
import { withFailureMapping } from './to-failure';

export interface HealthActivityDeps {
  providers: ProviderGateway;
  errorLogs: ErrorLogsRepo;
  alerts: AlertsRepo;
  /** Throws when genflow's database cannot be reached. */
  pingDatabase: () => Promise<void>;
  settings: AlertSettings;
  logger: Logger;
  /** TEST ONLY loopback permission for the channel receivers; production leaves it unset. */
  fetchPolicy?: FetchPolicy;
}

export interface HealthTargets {
  providers: string[];
  /** Channel ids (`webhook:0`, `slack:0`): the URLs stay in the worker's settings. */
  channels: string[];
}

/**
 * The provider-health workflow's side effects: probes, the rule evaluation over the error
 * log and generations, the alert store, and deliveries to the configured channels.
 */
export function createHealthActivities(deps: HealthActivityDeps) {
  const { settings, logger } = deps;
  const errors = createErrorLog({ logger, errorLogs: deps.errorLogs, redact: (t) => deps.providers.redact(t) });
  // The database cannot dedupe its own outage: this process notifies once per outage.
  let databaseDownSince: string | undefined;

  return {
    /** Enabled providers (configured: keyless, or with at least one key) within the scope, and the channels. */
    async listHealthTargets(scope: HealthScope): Promise<HealthTargets> {
      return withFailureMapping(async () => {
        const all = await deps.providers.status();
        const providers = all.filter((p) => p.configured && (!scope.providers || scope.providers.includes(p.id))).map((p) => p.id);
        return { providers, channels: settings.channels.map((c) => c.id) };
      });
    },

    async probeProvider(providerId: string): Promise<ProbeResult> {
      return withFailureMapping(async () => {
        let error: unknown;
        const result = await deps.providers.probe(providerId, Context.current().cancellationSignal, (err) => (error = err));
        if (!result.ok && result.method === 'probe') {
          // The error log gets the error with the provider's whole answer; the result (and any alert) only its short message.
          await errors.record('probe', { provider: providerId }, error ?? { code: result.code ?? 'INTERNAL_ERROR', message: result.message ?? 'probe failed' });
        }
        return result;
      });
    },

    /**
     * Judges the rules and reconciles the alert store. Answers what changed: alerts opened
     * (a condition that already has an unresolved alert is not news) and alerts resolved.
     */
    async evaluateAlerts(probes: ProbeResult[], scope: HealthScope): Promise<AlertNotice[]> {
      return withFailureMapping(async () => {
        try {
          await deps.pingDatabase();
        } catch (err) {
          throw new GenflowError('UNAVAILABLE', `database unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        const t = settings.thresholds;
        const since = new Date(Date.now() - t.windowMinutes * 60_000);
        const stats = await deps.errorLogs.windowStats(since, t.maxRetries, scope.providers);
        const conditions = evaluateRules(stats, probes, t, scope);
        const { raised, resolved } = await deps.alerts.reconcile(conditions, (row) =>
          scope.providers ? row.rule !== AlertRule.database && scope.providers.includes(row.subject) : true,
        );
        const notices: AlertNotice[] = [...raised.map((alert) => ({ event: 'raised' as const, alert })), ...resolved.map((alert) => ({ event: 'resolved' as const, alert }))];
        if (databaseDownSince && !scope.providers) {
          notices.push({ event: 'resolved', alert: databaseAlert(databaseDownSince, 'reachable again', new Date().toISOString()) });
          databaseDownSince = undefined;
        }
        for (const n of notices) logger.warn({ alertId: n.alert.id, rule: n.alert.rule, subject: n.alert.subject, event: n.event }, n.alert.message);
        return notices;
      });
    },

    /** Called when evaluateAlerts could not reach the database: a notice the first time only. */
    reportDatabaseUnreachable(message: string): Promise<AlertNotice | null> {
      if (databaseDownSince) return Promise.resolve(null);
      databaseDownSince = new Date().toISOString();
      logger.error({ message }, 'database unreachable from the provider-health workflow');
      return Promise.resolve({ event: 'raised', alert: databaseAlert(databaseDownSince, message) });
    },

    async deliverAlert(channelId: string, notice: AlertNotice): Promise<void> {
      return withFailureMapping(async () => {
        const channel = settings.channels.find((c) => c.id === channelId);
        // The channel list changed since the run started: nothing to retry.
        if (!channel) throw new GenflowError('INVALID_REQUEST', `no alert channel ${channelId} is configured`, { retryable: false });
        await deliver(channel, notice, deps.fetchPolicy ?? {});
        logger.info({ channel: channelId, alertId: notice.alert.id, event: notice.event }, 'alert delivered');
      });
    },
  };
}

/** Not stored (there is no database to store it in): an alert that lives in its notices only. */
function databaseAlert(since: string, message: string, resolvedAt?: string): AlertNotice['alert'] {
  return {
    id: `database-unreachable-${since}`,
    rule: AlertRule.database,
    subject: 'database',
    severity: 'critical',
    status: resolvedAt ? 'resolved' : 'open',
    message: resolvedAt ? `genflow's database is reachable again` : `genflow's database is unreachable: ${message}`,
    details: {},
    createdAt: since,
    lastSeenAt: resolvedAt ?? since,
    resolvedAt: resolvedAt ?? null,
    acknowledgedAt: null,
  };
}

export type HealthActivities = ReturnType<typeof createHealthActivities>;
