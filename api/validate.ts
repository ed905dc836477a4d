import type { RequestHandler } from 'express';
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

/**
 * Bounds of every JSON body, checked before anything walks it recursively or zod parses it: a
 * request nested thousands deep or holding millions of values must cost no more than reading it.
 * 32 levels hold any real request (a batch item's parameters sit 4 deep); `POST /v1/batches`
 * gets more values, as it carries up to 10,000 requests.
 */
export const JSON_LIMITS = { maxDepth: 32, maxNodes: 100_000 } as const;

export interface JsonLimits {
  maxDepth: number;
  maxNodes: number;
}

const ANY_SURROGATE = /[\ud800-\udfff]/;
/** A high surrogate without its low one, or a low one without its high one (UTF-16 code units). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const MESSAGES = {
  nul: 'must not contain NUL characters (\\u0000)',
  surrogate: 'must not contain unpaired UTF-16 surrogates (such as \\ud800): they are not text and cannot be stored',
};

/** One value of the walk; the path to it is rebuilt from the parents only when it is reported. */
interface Frame {
  value: unknown;
  key: string | number | undefined;
  parent: Frame | undefined;
  depth: number;
}

/** A key as it can be shown and stored: NUL and unpaired surrogates written as `\uXXXX` escapes. */
function printable(key: string): string {
  const bad = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'g');
  return key.replace(bad, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pathOf(frame: Frame | undefined, prefix: readonly string[]): string {
  const keys: string[] = [];
  for (let f = frame; f?.key !== undefined; f = f.parent) keys.push(typeof f.key === 'number' ? String(f.key) : printable(f.key));
  return [...prefix, ...keys.reverse()].join('.') || '(body)';
}

interface WalkOptions {
  limits?: JsonLimits;
  /** Refuse NUL characters too (what Postgres cannot store); off for the bare body check. */
  nul?: boolean;
  prefix?: readonly string[];
  code?: ErrorCode;
}

function fail(code: ErrorCode, field: string, message: string, extra?: Record<string, unknown>): GenflowError {
  return new GenflowError(code, `${field}: ${message}`, { details: { issues: [{ field, message }], ...extra } });
}

/**
 * One iterative walk over a parsed JSON value (no recursion, so no depth can overflow the stack;
 * no path copies, so the cost is linear): refuses nesting deeper than `maxDepth`, more than
 * `maxNodes` values, and strings or keys with unpaired surrogates (and, with `nul`, NUL
 * characters). The error names the first bad field.
 */
export function checkJsonValue(value: unknown, options: WalkOptions = {}): void {
  const { maxDepth, maxNodes } = options.limits ?? { maxDepth: Infinity, maxNodes: Infinity };
  const code = options.code ?? 'INVALID_REQUEST';
  const prefix = options.prefix ?? [];
  const badText = (text: string): string | undefined =>
    options.nul && text.includes('\u0000') ? MESSAGES.nul : ANY_SURROGATE.test(text) && LONE_SURROGATE.test(text) ? MESSAGES.surrogate : undefined;
  const stack: Frame[] = [{ value, key: undefined, parent: undefined, depth: 0 }];
  let nodes = 1;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const badKey = typeof frame.key === 'string' ? badText(frame.key) : undefined;
    if (badKey) throw fail(code, pathOf(frame, prefix), badKey);
    const v = frame.value;
    if (typeof v === 'string') {
      const bad = badText(v);
      if (bad) throw fail(code, pathOf(frame, prefix), bad);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (frame.depth >= maxDepth) {
      throw fail(code, pathOf(frame, prefix), `nested more than ${maxDepth} levels deep`, { limit: { maxDepth } });
    }
    const keys = Array.isArray(v) ? undefined : Object.keys(v);
    const count = keys ? keys.length : (v as unknown[]).length;
    nodes += count;
    if (nodes > maxNodes) {
      throw fail(code, pathOf(frame, prefix), `more than ${maxNodes} values in one request`, { limit: { maxNodes } });
    }
    // Pushed last to first, so the first bad field in document order is the one reported.
    const depth = frame.depth + 1;
    for (let i = count - 1; i >= 0; i--) {
      const key = keys ? keys[i]! : i;
      stack.push({ value: (v as Record<string | number, unknown>)[key], key, parent: frame, depth });
    }
  }
}

/** Bodies already checked (a route's own parser ran before the general one). */
const checkedBodies = new WeakSet<object>();

/**
 * Every parsed JSON body (and the multipart form turned into one) passes `checkJsonValue`
 * before a route sees it; raw bodies (provider webhooks) are Buffers and pass untouched.
 */
export function jsonBodyLimits(limits: JsonLimits = JSON_LIMITS): RequestHandler {
  return (req, _res, next) => {
    const body: unknown = req.body;
    if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && !checkedBodies.has(body)) {
      checkJsonValue(body, { limits });
      checkedBodies.add(body);
    }
    next();
  };
}

/**
 * Parses `value` or throws a GenflowError whose message names the first bad field. Text with a
 * NUL character or an unpaired surrogate is refused here, once for every route: Postgres cannot
 * store or compare it.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode = 'INVALID_REQUEST',
  prefix?: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) {
    checkJsonValue(result.data, { nul: true, code, ...(prefix ? { prefix: [prefix] } : {}) });
    return result.data;
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
