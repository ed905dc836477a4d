import { z } from 'zod';

/**
 * The `limit` query parameter of every list, in one place so all lists behave alike: an integer
 * from 1 to the list's maximum, a default when absent, and a 400 naming the range otherwise.
 * The maximum shows in /openapi.json as the parameter's `maximum`.
 */
export function pageLimit(max: number, defaultLimit: number) {
  const message = `must be an integer from 1 to ${max} (the largest page this list serves)`;
  return z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(1, { error: message })
    .max(max, { error: message })
    .default(defaultLimit)
    .describe(`Page size, 1 to ${max}; default ${defaultLimit}`);
}
