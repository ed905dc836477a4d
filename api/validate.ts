import type { z } from 'zod';
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

/** Parses `value` or throws a GenflowError whose message names the first bad field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode = 'INVALID_REQUEST',
  prefix?: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error, prefix);
  const first = issues[0];
  const summary = first ? `${first.field}: ${first.message}` : 'invalid input';
  throw new GenflowError(code, summary, { details: { issues } });
}
