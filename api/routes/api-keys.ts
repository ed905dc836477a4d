import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { AccountsRepo } from '../../db/accounts-repo';
import type { ApiKeyRow } from '../../db/schema';
import { createApiKeyBody, fromMicros, toMicros, type ApiKeyRole, type ApiKeyView } from '../../domain/accounts';
import { GenflowError } from '../../domain/errors';
import { adminOnly, newApiKey } from '../auth';
import { parseOrThrow } from '../validate';

const iso = (d: Date | string) => new Date(d).toISOString();

function keyView(row: ApiKeyRow): ApiKeyView {
  const budget = (micros: string | number | null) => (micros === null ? undefined : fromMicros(micros));
  const daily = budget(row.budget_daily_micros);
  const monthly = budget(row.budget_monthly_micros);
  const total = budget(row.budget_total_micros);
  return {
    id: row.id,
    name: row.name,
    role: row.role as ApiKeyRole,
    owner: row.owner,
    prefix: row.key_prefix,
    budget: { ...(daily !== undefined ? { daily } : {}), ...(monthly !== undefined ? { monthly } : {}), ...(total !== undefined ? { total } : {}) },
    rateLimit: {
      ...(row.requests_per_minute !== null ? { requestsPerMinute: row.requests_per_minute } : {}),
      ...(row.max_concurrent_generations !== null ? { maxConcurrentGenerations: row.max_concurrent_generations } : {}),
    },
    createdAt: iso(row.created_at),
    ...(row.revoked_at !== null ? { revokedAt: iso(row.revoked_at) } : {}),
  };
}

/** Key management (admin): create (the key is in this one answer only), list, revoke. */
export function apiKeyRoutes(deps: { accounts: AccountsRepo }): Router {
  const router = Router();
  router.use('/v1/api-keys', adminOnly);

  router.post('/v1/api-keys', async (req, res) => {
    const body = parseOrThrow(createApiKeyBody, req.body ?? undefined);
    const id = randomUUID();
    const { key, hash, prefix } = newApiKey();
    const micros = (usd: number | undefined) => (usd === undefined ? undefined : toMicros(usd));
    const row = await deps.accounts.insertKey({
      id,
      name: body.name,
      keyHash: hash,
      keyPrefix: prefix,
      role: body.role,
      // A key without an owner is its own owner: it sees only what it submitted.
      owner: body.owner ?? `key:${id}`,
      budgetMicros: {
        ...(body.budget?.daily !== undefined ? { daily: micros(body.budget.daily)! } : {}),
        ...(body.budget?.monthly !== undefined ? { monthly: micros(body.budget.monthly)! } : {}),
        ...(body.budget?.total !== undefined ? { total: micros(body.budget.total)! } : {}),
      },
      ...(body.rateLimit?.requestsPerMinute !== undefined ? { requestsPerMinute: body.rateLimit.requestsPerMinute } : {}),
      ...(body.rateLimit?.maxConcurrentGenerations !== undefined ? { maxConcurrentGenerations: body.rateLimit.maxConcurrentGenerations } : {}),
    });
    res.status(201).json({ ...keyView(row), key });
  });

  router.get('/v1/api-keys', async (_req, res) => {
    res.json({ data: (await deps.accounts.listKeys()).map(keyView) });
  });

  router.delete('/v1/api-keys/:id', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    const row = id.success ? await deps.accounts.revokeKey(id.data) : undefined;
    if (!row) throw new GenflowError('NOT_FOUND', `no API key with id '${req.params.id}'`);
    res.json(keyView(row));
  });
  return router;
}
