import { GenflowError } from '../domain/errors';
import type { AlertChannel } from '../domain/alert-settings';
import type { AlertNotice } from '../domain/alerts';
import type { FetchPolicy } from '../media/fetch-policy';
import { safeFetch, SafeFetchError } from '../media/safe-fetch';

/** The generic webhook body: the whole alert, for any receiver that reads JSON. */
export function webhookPayload(notice: AlertNotice): Record<string, unknown> {
  return { type: 'genflow.alert', event: notice.event, alert: notice.alert };
}

const ICON: Record<AlertNotice['event'], string> = { raised: ':rotating_light:', resolved: ':white_check_mark:' };

/** A Slack incoming-webhook body (`text` is the fallback; `blocks` the formatted message). */
export function slackPayload(notice: AlertNotice): { text: string; blocks: unknown[] } {
  const { alert, event } = notice;
  const title = event === 'raised' ? `[${alert.severity.toUpperCase()}] ${alert.message}` : `Resolved: ${alert.message}`;
  const text = `${ICON[event]} genflow ${title}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `rule \`${alert.rule}\` · ${alert.subject} · alert \`${alert.id}\` · since ${alert.createdAt}` }],
      },
    ],
  };
}

/**
 * POSTs one notice to one channel through the SSRF-safe fetcher (the URL comes from settings,
 * but a receiver must still not be a way into the internal network). A refused URL or a 4xx
 * will not get better by retrying; anything else is retried by the activity's policy.
 */
export async function deliver(channel: AlertChannel, notice: AlertNotice, policy: FetchPolicy): Promise<void> {
  const payload = channel.type === 'slack' ? slackPayload(notice) : webhookPayload(notice);
  try {
    const res = await safeFetch(channel.url, {
      ...policy,
      method: 'POST',
      body: Buffer.from(JSON.stringify(payload)),
      headers: { 'content-type': 'application/json', 'user-agent': 'genflow-alerts' },
      maxBytes: 64 * 1024,
      headersTimeoutMs: 10_000,
      idleTimeoutMs: 10_000,
    });
    res.body.resume();
  } catch (err) {
    const retryable = err instanceof SafeFetchError ? err.retryable : true;
    throw new GenflowError(retryable ? 'UNAVAILABLE' : 'INVALID_REQUEST', `alert channel ${channel.id}: ${err instanceof Error ? err.message : String(err)}`, {
      retryable,
      cause: err,
    });
  }
}
