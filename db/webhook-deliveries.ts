import type { Generated, Kysely } from 'kysely';
import type { Database } from './schema';

/** Migration 0014: provider webhook deliveries already acted on. */
export interface WebhookDeliveriesTable {
  digest: string;
  generation_id: string;
  provider: string;
  received_at: Generated<Date>;
}

export interface WebhookDelivery {
  /** A hash of the verified body and its credential (token or signature). */
  digest: string;
  generationId: string;
  provider: string;
}

/**
 * Each delivery is claimed once: the insert either wins (first time) or meets the primary key
 * (a replay, or the same delivery racing in another API process) and does nothing.
 */
export function createWebhookDeliveries(db: Kysely<Database>) {
  const t = db.withTables<{ webhook_deliveries: WebhookDeliveriesTable }>();
  return {
    /** True the first time this delivery is seen; false for a replay. */
    async claim(d: WebhookDelivery): Promise<boolean> {
      const row = await t
        .insertInto('webhook_deliveries')
        .values({ digest: d.digest, generation_id: d.generationId, provider: d.provider })
        .onConflict((oc) => oc.column('digest').doNothing())
        .returning('digest')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Gives a claim back when acting on it failed, so the provider's retry is not taken for a replay. */
    async release(digest: string): Promise<void> {
      await t.deleteFrom('webhook_deliveries').where('digest', '=', digest).execute();
    },
  };
}

export type WebhookDeliveries = ReturnType<typeof createWebhookDeliveries>;
