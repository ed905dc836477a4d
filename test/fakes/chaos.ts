import { AcmeFake, acmeYaml } from './custom-http';
import type { FakeRequest, FakeResponse } from './fake-server';

/**
 * Acme (the custom HTTP provider's fake) with a fault switch and a ledger. `failureRate` of the
 * API calls (submits and task polls; output downloads are left alone) fail — a third each with
 * 429 + Retry-After, a 5xx, or a response held past genflow's timeout — and every call is
 * recorded with its arrival time, key, the generation it serves (its prompt) and what it got,
 * so a test can count submissions per generation and measure gaps after a 429.
 */
export type Outcome = 'ok' | '429' | '5xx' | 'hang';

export interface Call {
  at: number;
  kind: 'submit' | 'poll';
  key: string;
  /** The prompt of the generation the call serves: tests give every generation its own. */
  prompt: string;
  taskId?: string;
  outcome: Outcome;
  retryAfterMs?: number;
}

export interface ChaosOptions {
  keys: string[];
  /** Deterministic faults: the same seed gives the same sequence of outcomes. */
  seed?: number;
  retryAfterSeconds?: number;
  /** How long a hung response is held; longer than the declared timeoutSeconds. */
  hangMs?: number;
}

/** mulberry32: a tiny seeded generator, so a failing run can be reasoned about. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ChaosFake extends AcmeFake {
  readonly calls: Call[] = [];
  /** 0..1: the share of API calls that fail. */
  failureRate = 0;
  private readonly random: () => number;
  private readonly retryAfterSeconds: number;
  private readonly hangMs: number;

  constructor(options: ChaosOptions) {
    super({ keys: options.keys });
    this.random = seeded(options.seed ?? 1);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 2;
    this.hangMs = options.hangMs ?? 5_000;
    this.server.intercept = (req) => this.fault(req);
  }

  /** Submissions the fake received, per prompt. */
  submitsPerPrompt(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const c of this.calls) if (c.kind === 'submit') counts.set(c.prompt, (counts.get(c.prompt) ?? 0) + 1);
    return counts;
  }

  private fault(req: FakeRequest): FakeResponse | undefined {
    const call = this.identify(req);
    if (!call) return undefined;
    const roll = this.failureRate > 0 ? this.random() : 1;
    const outcome: Outcome = roll >= this.failureRate ? 'ok' : (['429', '5xx', 'hang'] as const)[Math.floor((roll / this.failureRate) * 3)]!;
    const entry: Call = { ...call, at: Date.now(), outcome };
    if (outcome === '429') entry.retryAfterMs = this.retryAfterSeconds * 1000;
    this.calls.push(entry);
    if (outcome === '429') {
      return {
        status: 429,
        headers: { 'retry-after': String(this.retryAfterSeconds) },
        json: { error: { message: 'Rate limit reached for requests. Please try again later.', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
      };
    }
    if (outcome === '5xx') {
      const status = this.random() < 0.5 ? 500 : 503;
      return { status, json: { error: { message: status === 500 ? 'The server had an error while processing your request.' : 'The server is overloaded or not ready yet.', type: 'server_error', param: null, code: null } } };
    }
    // A hung call: the fake answers only after genflow has given up on it.
    if (outcome === 'hang') return { status: 504, delayMs: this.hangMs, json: { error: { message: 'too late', type: 'server_error', param: null, code: null } } };
    return undefined;
  }

  /** Which API call this is, or undefined for what the fault switch leaves alone (downloads). */
  private identify(req: FakeRequest): Omit<Call, 'at' | 'outcome'> | undefined {
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (req.method === 'POST' && (req.path === '/v1/images/generations' || req.path === '/v1/tasks')) {
      const prompt = (req.json as { prompt?: unknown } | undefined)?.prompt;
      return { kind: 'submit', key, prompt: typeof prompt === 'string' ? prompt : '' };
    }
    const poll = req.method === 'GET' ? /^\/v1\/tasks\/([^/]+)$/.exec(req.path) : null;
    if (poll) {
      const taskId = decodeURIComponent(poll[1]!);
      return { kind: 'poll', key, prompt: this.tasks.get(taskId)?.prompt ?? '', taskId };
    }
    return undefined;
  }
}

/**
 * Acme's declaration with a short per-call timeout, so hung calls end in seconds, and outputs
 * inline (base64) rather than at URLs: a real genflow process refuses loopback output URLs.
 */
export function chaosYaml(baseUrl: string, timeoutSeconds = 2): string {
  return acmeYaml(baseUrl)
    .replace('    errorMessagePath:', `    timeoutSeconds: ${timeoutSeconds}\n    errorMessagePath:`)
    .replace('enum: [url, b64_json], default: url }', 'enum: [url, b64_json], default: b64_json }')
    .replace('urls: $.data.result.files[*].url', 'base64: $.data.result.files[*].b64_json');
}
