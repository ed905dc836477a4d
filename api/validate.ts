import { z } from 'zod';
import { GenflowError, type ErrorCode } from '../domain/errors';

export interface FieldIssue {
  field: string;
  message: string;
}

export function toFieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.');
    return { field: path || '(body)', message: issue.message };
  });
}

/** Where a NUL character hides in a parsed value (strings and object keys), as a field path. */
function nulField(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulField(item, [...path, String(i)]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key];
      const found = nulField(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Parses `value` or throws a GenflowError whose message names the first bad field. Text with a
 * NUL character is refused here, once for every route: Postgres cannot store or compare it.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode = 'INVALID_REQUEST',
  prefix?: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) {
    const nul = nulField(result.data, prefix ? [prefix] : []);
    if (!nul) return result.data;
    const field = nul.join('.') || '(body)';
    const message = 'must not contain NUL characters (\\u0000)';
    throw new GenflowError(code, `${field}: ${message}`, { details: { issues: [{ field, message }] } });
  }
  const issues = toFieldIssues(result.error, prefix);
  const first = issues[0];
  const summary = first ? `${first.field}: ${first.message}` : 'invalid input';
  throw new GenflowError(code, summary, { details: { issues } });
}

/** An ISO time with offset, bounded to what the database's timestamps hold (year 0 and years past 9999 fail there). */
export const storableDateTime = () =>
  z.iso
    .datetime({ offset: true })
    .refine((d) => Date.parse(d) >= 0 && Date.parse(d) < Date.UTC(10_000, 0, 1), 'must be a time from 1970 to 9999');
