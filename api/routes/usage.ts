import { Router } from 'express';
import { z } from 'zod';
import type { AccountsRepo, UsageRow } from '../../db/accounts-repo';
import { fromMicros } from '../../domain/accounts';
import { GenflowError } from '../../domain/errors';
import { ownerScope, principalOf } from '../auth';
import { parseOrThrow } from '../validate';

const DAY = 86_400_000;
// Bounded so the range (and `to` + one day) stays within what the database's timestamps hold.
const day = z.iso.date().refine((d) => d >= '1970-01-01' && d <= '9999-12-30', 'must be a date from 1970-01-01 to 9999-12-30');
export const usageQuery = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  owner: z.string().min(1).max(200).optional(),
});

/**
 * `GET /v1/usage`: spend by UTC day, model and provider, from the ledger. `settledUsd` is what
 * finished generations cost (the actual: providers' reported charges where they report them,
 * else estimates), `estimatedUsd` what the price table said for them, `reportedUsd` the part of
 * `settledUsd` providers reported, `reservedUsd` what running ones hold, `releasedUsd` what
 * failed or canceled ones gave back. A user sees its own; an admin everyone's, or one owner's.
 */
export function usageRoutes(deps: { accounts: AccountsRepo }): Router {
  const router = Router();
  router.get('/v1/usage', async (req, res) => {
    const query = parseOrThrow(usageQuery, req.query, 'INVALID_REQUEST', 'query');
    const p = principalOf(res);
    const scope = ownerScope(p);
    if (scope !== undefined && query.owner !== undefined && query.owner !== scope) {
      throw new GenflowError('FORBIDDEN', 'query.owner: only an admin key may read the usage of another owner');
    }
    const owner = scope ?? query.owner;
    // Default: the last 30 days, today included. `to` is inclusive.
    const to = query.to ? new Date(Date.parse(query.to) + DAY) : new Date(Math.floor(Date.now() / DAY) * DAY + DAY);
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY);
    const rows = await deps.accounts.usage({ from, to, ...(owner !== undefined ? { owner } : {}) });
    const amounts = (r: Omit<UsageRow, 'day' | 'model' | 'provider' | 'generations'>) => ({
      estimatedUsd: fromMicros(r.estimated_micros),
      settledUsd: fromMicros(r.settled_micros),
      reportedUsd: fromMicros(r.reported_micros),
      reservedUsd: fromMicros(r.reserved_micros),
      releasedUsd: fromMicros(r.released_micros),
    });
    const data = rows.map((r) => ({ day: r.day, model: r.model, provider: r.provider, generations: r.generations, ...amounts(r) }));
    const sum = (k: keyof Omit<UsageRow, 'day' | 'model' | 'provider' | 'generations'>) => rows.reduce((s, r) => s + r[k], 0);
    res.json({
      ...(owner !== undefined ? { owner } : {}),
      from: from.toISOString().slice(0, 10),
      to: new Date(to.getTime() - DAY).toISOString().slice(0, 10),
      data,
      totals: {
        generations: rows.reduce((s, r) => s + r.generations, 0),
        ...amounts({
          estimated_micros: sum('estimated_micros'),
          settled_micros: sum('settled_micros'),
          reported_micros: sum('reported_micros'),
          reserved_micros: sum('reserved_micros'),
          released_micros: sum('released_micros'),
        }),
      },
    });
  });
  return router;
}
