import type { Request } from 'express';
import { z } from 'zod';
import { parseOrThrow } from './validate';

const idempotencyKey = z.string().min(1).max(255).optional();

/** The header as documented in /openapi.json on each route that creates work. */
export const idempotencyHeader = (what: string) =>
  z.object({
    'Idempotency-Key': idempotencyKey.describe(`A retried request with the same key (per owner) answers the same ${what} instead of creating another`),
  });

/**
 * The request's `Idempotency-Key`, checked the same way on every route that creates work
 * (400 when empty or over 255 characters, never silently dropped).
 */
export function idempotencyKeyOf(req: Request): string | undefined {
  return parseOrThrow(idempotencyKey, req.get('idempotency-key'), 'INVALID_REQUEST', 'Idempotency-Key');
}
