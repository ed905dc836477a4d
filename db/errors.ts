const UNIQUE_VIOLATION = '23505';

/** Postgres (and PGlite) report a duplicate key with SQLSTATE 23505. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === UNIQUE_VIOLATION;
}
