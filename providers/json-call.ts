/**
 * Helpers the providers' error readers share. The transport itself (one call, its error read
 * by the provider's ErrorReader, its answer checked against a zod schema) is
 * providers/core/call.ts `providerCall`; its error-reading names are re-exported here for the
 * readers that import them from this file.
 */
import { excerpt, MESSAGE_CHARS } from './http';

export { bearer, providerErrorFrom, type ErrorReader, type ErrorReading } from './core/call';

/** Moderation wording in English and Chinese, as providers put it in failure reasons. */
export const MODERATION = /moderat|content polic|safety|sensitive|nsfw|inappropriate|violat|flagged|审核|敏感|违规|违禁/i;

/** A message field at any of the usual places of an error body. */
export function firstString(...candidates: unknown[]): string | undefined {
  for (const c of candidates) if (typeof c === 'string' && c) return excerpt(c, MESSAGE_CHARS) || undefined;
  return undefined;
}
