import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AlertCondition, AlertStatus, AlertView } from '../domain/alerts';
import type { AlertRow, Database } from './schema';

export function alertView(row: AlertRow): AlertView {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    id: row.id,
    rule: row.rule,
    subject: row.subject,
    severity: row.severity,
    status: row.status as AlertStatus,
    message: row.message,
    details: row.details,
    createdAt: iso(row.created_at)!,
    lastSeenAt: iso(row.last_seen_at)!,
    resolvedAt: iso(row.resolved_at),
    acknowledgedAt: iso(row.acknowledged_at),
  };
}

export interface AlertFilter {
  status?: AlertStatus;
  rule?: string;
  subject?: string;
  /** The id of the last alert of the previous page. */
  cursor?: { createdAt: Date; id: string };
  limit: number;
}

export function createAlertsRepo(db: Kysely<Database>) {
  return {
    /**
     * Stores the conditions that hold now: a condition with an unresolved alert refreshes it
     * (one alert however many runs see it), a new one opens an alert. Then every unresolved
     * alert of the evaluated rules/subjects whose condition no longer holds is resolved.
     * Answers the alerts opened and resolved by this call: those are the ones to notify.
     */
    async reconcile(conditions: AlertCondition[], inScope: (row: Pick<AlertRow, 'rule' | 'subject'>) => boolean): Promise<{ raised: AlertView[]; resolved: AlertView[] }> {
      return db.transaction().execute(async (tx) => {
        const raised: AlertView[] = [];
        for (const c of conditions) {
          const inserted = await tx
            .insertInto('alerts')
            .values({
              id: randomUUID(),
              rule: c.rule,
              subject: c.subject,
              dedupe_key: c.dedupeKey,
              severity: c.severity,
              status: 'open',
              message: c.message,
              details: JSON.stringify(c.details),
            })
            // The partial unique index keeps one unresolved alert per key, even across racing runs.
            .onConflict((oc) => oc.column('dedupe_key').where('resolved_at', 'is', null).doNothing())
            .returningAll()
            .executeTakeFirst();
          if (inserted) {
            raised.push(alertView(inserted));
          } else {
            await tx
              .updateTable('alerts')
              .set({ last_seen_at: sql`now()`, message: c.message, details: JSON.stringify(c.details) })
              .where('dedupe_key', '=', c.dedupeKey)
              .where('resolved_at', 'is', null)
              .execute();
          }
        }
        const holding = new Set(conditions.map((c) => c.dedupeKey));
        const unresolved = await tx.selectFrom('alerts').selectAll().where('resolved_at', 'is', null).execute();
        const clear = unresolved.filter((row) => !holding.has(row.dedupe_key) && inScope(row));
        const resolved: AlertView[] = [];
        for (const row of clear) {
          const updated = await tx
            .updateTable('alerts')
            .set({ status: 'resolved', resolved_at: sql`now()` })
            .where('id', '=', row.id)
            .where('resolved_at', 'is', null)
            .returningAll()
            .executeTakeFirst();
          if (updated) resolved.push(alertView(updated));
        }
        return { raised, resolved };
      });
    },

    async find(id: string): Promise<AlertRow | undefined> {
      return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Newest first; keyset-paginated on (created_at, id). */
    async list(f: AlertFilter): Promise<{ rows: AlertRow[]; next?: { createdAt: Date; id: string } }> {
      let q = db.selectFrom('alerts').selectAll();
      if (f.status) q = q.where('status', '=', f.status);
      if (f.rule) q = q.where('rule', '=', f.rule);
      if (f.subject) q = q.where('subject', '=', f.subject);
      if (f.cursor) q = q.where(sql<boolean>`(created_at, id) < (${f.cursor.createdAt}, ${f.cursor.id})`);
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
      const page = rows.slice(0, f.limit);
      const last = page[page.length - 1];
      return rows.length > f.limit && last ? { rows: page, next: { createdAt: new Date(last.created_at), id: last.id } } : { rows: page };
    },

    /** Marks an alert acknowledged; answers undefined when it already was (or does not exist). */
    async acknowledge(id: string, by: string | null): Promise<AlertRow | undefined> {
      return db
        .updateTable('alerts')
        .set({
          acknowledged_at: sql`now()`,
          acknowledged_by: by,
          // A resolved alert stays resolved; an open one is now being looked at.
          status: sql<string>`case when resolved_at is null then 'acknowledged' else status end`,
        })
        .where('id', '=', id)
        .where('acknowledged_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
    },
  };
}
export type AlertsRepo = ReturnType<typeof createAlertsRepo>;
