import { createHmac, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { BatchesRepo } from '../db/batches-repo';
import type { GenerationsRepo } from '../db/generations-repo';
import type { WebhookTarget } from '../domain/webhooks';
import { safeFetch, SafeFetchError } from '../media/safe-fetch';
import type { FetchPolicy } from '../media/fetch-policy';
import { generationView } from '../views/generation-views';

/** The header a client verifies: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "${t}.${body}">`. */
export const SIGNATURE_HEADER = 'Genflow-Signature';

export function signCallback(secret: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export interface CallbackDeps {
  repo: GenerationsRepo;
  batches: BatchesRepo;
  logger: Logger;
  webhookSecret?: string;
  publicUrl?: string;
  fetchPolicy?: FetchPolicy;
}

/**
 * The final generation (or batch) as a client would GET it. Built at delivery time from the
 * database, so a retried delivery still sends the recorded final state.
 */
async function payload(deps: CallbackDeps, target: WebhookTarget): Promise<{ event: string; data: unknown } | undefined> {
  const base = deps.publicUrl?.replace(/\/+$/, '') ?? '';
  if (target.kind === 'generation') {
    const row = await deps.repo.findById(target.id);
    if (!row) return undefined;
    return { event: `generation.${row.status}`, data: generationView(row, await deps.repo.listAssets(row.id), base) };
  }
  const row = await deps.batches.findById(target.id);
  if (!row) return undefined;
  const counts = await deps.batches.counts(row.id, row.total);
  const completedAt = row.completed_at ? new Date(row.completed_at).toISOString() : undefined;
  return {
    event: `batch.${row.status}`,
    data: { id: row.id, status: row.status, totalTasks: row.total, counts, ...(completedAt ? { completedAt } : {}) },
  };
}

export function createCallbackActivities(deps: CallbackDeps) {
  async function record(target: WebhookTarget, error?: string): Promise<void> {
    if (target.kind === 'generation') await deps.repo.recordWebhookDelivery(target.id, error);
    else await deps.batches.recordWebhookDelivery(target.id, error);
  }

  return {
    /**
     * One signed POST of the final state to the client's URL. A 2xx is delivered; anything else
     * throws for the workflow's bounded retries; a URL that resolves to a private address is
     * refused for good (the API refuses the obvious ones at submit).
     */
    async deliverClientCallback(target: WebhookTarget): Promise<void> {
      const secret = deps.webhookSecret;
      if (!secret) throw ApplicationFailure.create({ type: 'INTERNAL_ERROR', message: 'GENFLOW_WEBHOOK_SECRET is not set', nonRetryable: true });
      const found = await payload(deps, target);
      if (!found) return;
      const body = Buffer.from(JSON.stringify({ type: found.event, data: found.data }));
      const timestamp = Math.floor(Date.now() / 1000);
      try {
        const res = await safeFetch(target.url, {
          ...deps.fetchPolicy,
          method: 'POST',
          body,
          maxBytes: 64 * 1024,
          headersTimeoutMs: 10_000,
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signCallback(secret, timestamp, body),
            'Genflow-Event': found.event,
            // The same for every retry of this delivery, so a client can drop repeats.
            'Genflow-Delivery': target.deliveryId ?? randomUUID(),
          },
        });
        res.body.resume();
        await record(target);
        deps.logger.info({ target: target.kind, id: target.id, status: res.status }, 'client callback delivered');
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await record(target, message).catch(() => undefined);
        const refused = err instanceof SafeFetchError && err.kind === 'refused';
        throw ApplicationFailure.create({ type: refused ? 'INVALID_REQUEST' : 'PROVIDER_UNAVAILABLE', message: `client callback: ${message}`, nonRetryable: refused });
      }
    },
  };
}

export type CallbackActivities = ReturnType<typeof createCallbackActivities>;
