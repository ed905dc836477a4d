import { sql, type Kysely } from 'kysely';
import type { ProviderWindowStats, WindowStats } from '../domain/alerts';
import type { Database, ErrorLogRow } from './schema';

export interface NewErrorLog {
  generationId?: string;
  provider?: string;
  model?: string;
  stage: string;
  source: 'provider' | 'database' | 'genflow';
  code: string;
  message: string;
  attempt?: number;
}

export interface ErrorLogFilter {
  provider?: string;
  code?: string;
  generationId?: string;
  from?: Date;
  to?: Date;
  /** The id of the last row of the previous page (rows come newest first). */
  before?: string;
  limit: number;
}

/** Stages whose failures are the provider's attempts at a generation. */
export const ATTEMPT_STAGES = ['submit', 'poll', 'enhance'] as const;
const TIMEOUT_CODES = ['PROVIDER_TIMEOUT', 'TASK_TIMEOUT'];

export function createErrorLogsRepo(db: Kysely<Database>) {
  return {
    async insert(e: NewErrorLog): Promise<void> {
      await db
        .insertInto('error_logs')
        .values({
          generation_id: e.generationId ?? null,
          provider: e.provider ?? null,
          model: e.model ?? null,
          stage: e.stage,
          source: e.source,
          code: e.code,
          message: e.message,
          attempt: e.attempt ?? 1,
        })
        .execute();
    },

    /** Newest first, keyset-paginated on the id (ids grow with time). */
    async list(f: ErrorLogFilter): Promise<{ rows: ErrorLogRow[]; next?: string }> {
      let q = db.selectFrom('error_logs').selectAll();
      if (f.provider) q = q.where('provider', '=', f.provider);
      if (f.code) q = q.where('code', '=', f.code);
      if (f.generationId) q = q.where('generation_id', '=', f.generationId);
      if (f.from) q = q.where('created_at', '>=', f.from);
      if (f.to) q = q.where('created_at', '<', f.to);
      if (f.before) q = q.where(sql<boolean>`id < ${f.before}::bigint`);
      const rows = await q.orderBy('id', 'desc').limit(f.limit + 1).execute();
      const page = rows.slice(0, f.limit);
      const last = page[page.length - 1];
      return rows.length > f.limit && last ? { rows: page, next: String(last.id) } : { rows: page };
    },

    /** The numbers the alert rules judge, per provider, since `since`. */
    async windowStats(since: Date, maxRetries: number, providers?: string[]): Promise<WindowStats> {
      let failures = db
        .selectFrom('error_logs')
        .select(['provider', sql<string>`count(*)`.as('n')])
        .where('created_at', '>=', since)
        .where('source', '=', 'provider')
        .where('stage', 'in', [...ATTEMPT_STAGES])
        .where('provider', 'is not', null)
        .groupBy('provider');
      let generations = db
        .selectFrom('generations')
        .select([
          'provider',
          sql<string>`count(*) filter (where status = 'succeeded')`.as('succeeded'),
          sql<string>`count(*) filter (where status in ('succeeded', 'failed'))`.as('finished'),
          sql<string>`count(*) filter (where error_code in (${sql.join(TIMEOUT_CODES)}))`.as('timed_out'),
        ])
        .where('completed_at', '>=', since)
        .groupBy('provider');
      let retried = db
        .selectFrom('error_logs')
        .select(['provider', 'generation_id', sql<string>`count(*)`.as('n')])
        .where('created_at', '>=', since)
        .where('stage', 'in', [...ATTEMPT_STAGES])
        .where('generation_id', 'is not', null)
        .groupBy(['provider', 'generation_id'])
        .having(sql<number>`count(*)`, '>', maxRetries)
        .limit(200);
      if (providers) {
        failures = failures.where('provider', 'in', providers.length ? providers : ['']);
        generations = generations.where('provider', 'in', providers.length ? providers : ['']);
        retried = retried.where('provider', 'in', providers.length ? providers : ['']);
      }
      const [f, g, r, d] = await Promise.all([
        failures.execute(),
        generations.execute(),
        retried.execute(),
        db.selectFrom('error_logs').select(sql<string>`count(*)`.as('n')).where('created_at', '>=', since).where('source', '=', 'database').executeTakeFirst(),
      ]);
      const byProvider = new Map<string, ProviderWindowStats>();
      const entry = (provider: string) => {
        let e = byProvider.get(provider);
        if (!e) {
          e = { provider, failedAttempts: 0, succeeded: 0, finished: 0, timedOut: 0, retried: [] };
          byProvider.set(provider, e);
        }
        return e;
      };
      for (const row of f) if (row.provider) entry(row.provider).failedAttempts = Number(row.n);
      for (const row of g) {
        const e = entry(row.provider);
        e.succeeded = Number(row.succeeded);
        e.finished = Number(row.finished);
        e.timedOut = Number(row.timed_out);
      }
      for (const row of r) if (row.provider && row.generation_id) entry(row.provider).retried.push({ generationId: row.generation_id, failures: Number(row.n) });
      return { since: since.toISOString(), providers: [...byProvider.values()], databaseErrors: Number(d?.n ?? 0) };
    },
  };
}
export type ErrorLogsRepo = ReturnType<typeof createErrorLogsRepo>;
