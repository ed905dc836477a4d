import { Router, type Request, type RequestHandler, type Response } from 'express';

export type HealthCheck = () => Promise<void>;

/** A component that is reported but does not make the instance unready (e.g. one provider's keys). */
export interface AdvisoryCheck {
  (): Promise<Record<string, ComponentHealth>>;
}

export interface ComponentHealth {
  ok: boolean;
  error?: string;
  [detail: string]: unknown;
}

export interface HealthRoutesOptions {
  /** Needed to serve traffic: any failing one answers 503. */
  checks: Record<string, HealthCheck>;
  /** Shown in the detailed form under `providers`; never fails readiness (another provider may serve). */
  providers?: AdvisoryCheck;
  /** The detailed, per-component answer is for callers this gate lets through. */
  admin?: RequestHandler;
  /** How long one readiness evaluation is reused, so a probe storm costs one round of checks. */
  cacheMs?: number;
}

/** Each check gets this long before it counts as failing, so a hung dependency can't hang a probe. */
const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: HealthCheck): Promise<ComponentHealth> {
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

interface Readiness {
  ready: boolean;
  failing: string[];
  components: Record<string, ComponentHealth>;
  providers?: Record<string, ComponentHealth>;
  checkedAt: string;
}

/** Whether the admin gate lets this request through; the gate may throw or call next(err). */
function passesGate(gate: RequestHandler | undefined, req: Request, res: Response): Promise<boolean> {
  if (!gate) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      const result: unknown = gate(req, res, (err?: unknown) => resolve(err === undefined || err === null));
      if (result instanceof Promise) result.catch(() => resolve(false));
    } catch {
      resolve(false);
    }
  });
}

/**
 * `/health` is the liveness probe: it answers 200 while the process can serve HTTP and touches
 * no dependency, so an orchestrator never restarts a healthy process because Postgres blinked.
 * `/health/ready` is the readiness probe: database, Temporal and storage must answer.
 */
export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = Router();
  const cacheMs = options.cacheMs ?? 2_000;
  let cached: { at: number; result: Promise<Readiness> } | undefined;

  async function evaluate(): Promise<Readiness> {
    const names = Object.keys(options.checks);
    const [results, providers] = await Promise.all([
      Promise.all(names.map((name) => runCheck(options.checks[name]!))),
      options.providers?.().catch((err: unknown): Record<string, ComponentHealth> => ({
        '*': { ok: false, error: err instanceof Error ? err.message : String(err) },
      })),
    ]);
    const components = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    const failing = names.filter((_, i) => !results[i]!.ok);
    return { ready: failing.length === 0, failing, components, ...(providers ? { providers } : {}), checkedAt: new Date().toISOString() };
  }

  function readiness(): Promise<Readiness> {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) cached = { at: now, result: evaluate() };
    return cached.result;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  router.get('/health/ready', async (req, res) => {
    const [r, detailed] = await Promise.all([readiness(), passesGate(options.admin, req, res)]);
    const detail = detailed ? { components: r.components, ...(r.providers ? { providers: r.providers } : {}) } : {};
    res.setHeader('Cache-Control', 'no-store');
    if (r.ready) {
      res.json({ status: 'ready', checkedAt: r.checkedAt, ...detail });
      return;
    }
    // The names of failing components are in every answer: a probe log must say what is down.
    res.status(503).json({
      error: { code: 'UNAVAILABLE', message: `not ready: ${r.failing.join(', ')} unavailable`, details: { failing: r.failing, checkedAt: r.checkedAt, ...detail } },
    });
  });
  return router;
}
