import { z } from 'zod';

export const ApiKeyRole = { user: 'user', admin: 'admin' } as const;
export type ApiKeyRole = (typeof ApiKeyRole)[keyof typeof ApiKeyRole];

/** The caller behind a request, resolved from its API key. */
export interface Principal {
  keyId: string;
  role: ApiKeyRole;
  /** Whose rows the caller sees; several keys may share an owner. */
  owner: string;
  /** null: unlimited. */
  requestsPerMinute: number | null;
  maxConcurrentGenerations: number | null;
  /**
   * Whether the key has a budget (daily, monthly or total). A key's budgets are set when it is
   * made and never change, so what authentication read holds. Absent: not known.
   */
  budgeted?: boolean;
}

/** What the database needs to admit a new generation (or batch) for a key. */
export interface Admission {
  keyId: string;
  owner: string;
  maxConcurrentGenerations: number | null;
  /**
   * false: the key has no budget, so a submit without a concurrency limit has nothing to check
   * and is written in one statement without locking the key. Absent: checked under the lock.
   */
  budgeted?: boolean;
}

/**
 * Money is kept in integer micro-USD: sums of integers are exact, so the ledger's settled total
 * equals the sum of the succeeded generations' costs to the last digit, in any order.
 */
export const toMicros = (usd: number): number => Math.round(usd * 1_000_000);
export const fromMicros = (micros: number | string | null | undefined): number => Number(micros ?? 0) / 1_000_000;

const usd = z.number().min(0).max(1_000_000_000);

export const budgetBody = z.strictObject({
  daily: usd.optional(),
  monthly: usd.optional(),
  total: usd.optional(),
});
export type Budget = z.infer<typeof budgetBody>;

/** `POST /v1/api-keys`. Anything else in the body (id, key, hash, revokedAt...) is refused. */
export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  role: z.enum([ApiKeyRole.user, ApiKeyRole.admin]).default(ApiKeyRole.user),
  // Printable, no separators used elsewhere (idempotency keys are scoped as `owner\nkey`).
  owner: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
  budget: budgetBody.optional(),
  rateLimit: z
    .strictObject({
      requestsPerMinute: z.int().min(1).max(1_000_000).optional(),
      maxConcurrentGenerations: z.int().min(1).max(100_000).optional(),
    })
    .optional(),
});
export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;

export interface ApiKeyView {
  id: string;
  name: string;
  role: ApiKeyRole;
  owner: string;
  /** The key's first characters, never the key. */
  prefix: string;
  budget: Budget;
  rateLimit: { requestsPerMinute?: number; maxConcurrentGenerations?: number };
  createdAt: string;
  revokedAt?: string;
}
