import { Router } from 'express';

export type HealthCheck = () => Promise<void>;

/** Each check gets this long before it counts as failing, so a hung dependency can't hang /health. */
const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: HealthCheck): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(checks: Record<string, HealthCheck>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => runCheck(checks[name]!)));
    const components = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const failing = names.filter((_, i) => !results[i]!.ok);
    if (failing.length === 0) {
      res.json({ status: 'ok', components });
      return;
    }
    res.status(503).json({
      error: { code: 'UNAVAILABLE', message: `unhealthy: ${failing.join(', ')}`, details: { failing, components } },
    });
  });
  return router;
}
