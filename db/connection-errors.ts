/**
 * Whether an error means "the database cannot be reached right now" (refused, reset, timed
 * out, server shutting down) as opposed to a bad query. Such errors are worth waiting out:
 * the API answers 503 UNAVAILABLE and activities retry, instead of reporting an internal error.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE: class 08 is "connection exception"; 57P01-03 a server shutting down or starting;
// 53300 too many connections.
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
// node-postgres raises these without a code when a connection dies or the pool cannot connect.
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable);
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
  return PG_MESSAGES.test(err.message);
}
