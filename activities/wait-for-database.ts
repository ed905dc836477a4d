import { isDatabaseUnavailable } from '../db/connection-errors';

export interface WaitOptions {
  /** Give up (and let Temporal retry the activity) after this long; default 5 minutes. */
  maxWaitMs?: number;
  /** The activity's cancellation: stop waiting when it is cancelled. */
  signal?: AbortSignal;
}

/**
 * Runs a database write, waiting out an unreachable database in place. Used for the writes
 * that follow a provider call inside one activity: failing the activity there would repeat the
 * (paid) provider call on retry, and a long outage could use up the provider retry budget.
 */
export async function waitForDatabase<T>(write: () => Promise<T>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.maxWaitMs ?? 5 * 60_000);
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await write();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + delay > deadline || options.signal?.aborted) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
