import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { HealthActivities } from '../activities/health-activities';
import type { AlertNotice, HealthScope, ProbeResult } from '../domain/alerts';

export interface ProviderHealthInput {
  /** Limit the run to these providers (and skip the global rules); default: every enabled provider. */
  scope?: HealthScope;
}

export interface ProviderHealthResult {
  probes: ProbeResult[];
  database: 'ok' | 'unreachable';
  /** What changed in this run, and whether each channel took it. */
  notices: Array<{ event: AlertNotice['event']; alertId: string; rule: string; subject: string }>;
  deliveries: Array<{ channel: string; alertId: string; event: AlertNotice['event']; delivered: boolean }>;
}

const bookkeeping = proxyActivities<HealthActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 3 },
});

/** One attempt: a probe that fails is itself the finding; the next scheduled run probes again. */
const prober = proxyActivities<HealthActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } });

/** Deliveries retry with backoff; a channel that stays down does not fail the run or hold the others. */
const courier = proxyActivities<HealthActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

function failedProbe(provider: string, err: unknown): ProbeResult {
  const cause = err instanceof Error && err.cause instanceof ApplicationFailure ? err.cause : undefined;
  return {
    provider,
    ok: false,
    latencyMs: 0,
    method: 'probe',
    code: cause?.type ?? 'PROVIDER_TIMEOUT',
    message: cause?.message ?? (err instanceof Error ? err.message : String(err)),
    requiresApiKey: false,
    keys: { total: 0, active: 0 },
  };
}

/**
 * Run by a Temporal Schedule (runtime/health-schedule.ts): probes each enabled provider,
 * judges the alert rules over the error log and recent generations, and notifies each
 * configured channel of every alert raised or resolved. An alert whose condition persists is
 * not news, so a run with nothing new delivers nothing.
 */
export async function providerHealthWorkflow(input: ProviderHealthInput = {}): Promise<ProviderHealthResult> {
  const scope = input.scope ?? {};
  const targets = await bookkeeping.listHealthTargets(scope);
  const probes = await Promise.all(targets.providers.map((p) => prober.probeProvider(p).catch((err: unknown) => failedProbe(p, err))));

  let notices: AlertNotice[];
  let database: ProviderHealthResult['database'] = 'ok';
  try {
    notices = await bookkeeping.evaluateAlerts(probes, scope);
  } catch (err) {
    const cause = err instanceof Error ? err.cause : undefined;
    if (!(cause instanceof ApplicationFailure && cause.type === 'UNAVAILABLE')) throw err;
    database = 'unreachable';
    const notice = await bookkeeping.reportDatabaseUnreachable(cause.message);
    notices = notice ? [notice] : [];
  }

  const deliveries = await Promise.all(
    notices.flatMap((notice) =>
      targets.channels.map(async (channel) => {
        const delivered = await courier.deliverAlert(channel, notice).then(
          () => true,
          () => false,
        );
        return { channel, alertId: notice.alert.id, event: notice.event, delivered };
      }),
    ),
  );
  return {
    probes,
    database,
    notices: notices.map((n) => ({ event: n.event, alertId: n.alert.id, rule: n.alert.rule, subject: n.alert.subject })),
    deliveries,
  };
}
