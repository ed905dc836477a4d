import { Context } from '@temporalio/activity';

const INTERVAL_MS = 10_000;

/**
 * Heartbeats every few seconds while `body` runs. With a short heartbeat timeout on the
 * activity, a worker that dies mid-call is noticed within that timeout and the call is
 * retried elsewhere — instead of after the whole start-to-close timeout, which must stay long
 * for slow renders and large downloads.
 */
export async function withHeartbeat<T>(body: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), INTERVAL_MS);
  try {
    return await body();
  } finally {
    clearInterval(timer);
  }
}
