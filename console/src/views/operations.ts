import { api, ApiError } from '../api';
import { badge, h, replace, time, usd } from '../dom';
import type { Cleanup } from '../main';

interface Provider {
  id: string;
  displayName: string;
  configured: boolean;
  enabled: boolean;
  requiresApiKey: boolean;
  keys: Array<{ id: string; masked: string; status: string; coolingDownUntil?: string; lastError?: string; lastErrorAt?: string }>;
  models: Array<{ id: string }>;
}
interface Readiness {
  status: string;
  components?: Record<string, { ok: boolean; error?: string }>;
  providers?: Record<string, { ok: boolean; error?: string }>;
}
interface Alert {
  id: string;
  rule: string;
  subject: string;
  severity: string;
  status: string;
  message: string;
  createdAt: string;
  lastSeenAt: string;
}
interface ApiKey {
  id: string;
  name: string;
  role: string;
  owner: string;
  prefix: string;
  budget: { daily?: number; monthly?: number; total?: number };
  rateLimit: { requestsPerMinute?: number; maxConcurrentGenerations?: number };
  revokedAt?: string;
}
interface Usage {
  data: Array<{ day: string; model: string; generations: number; settledUsd: number }>;
  totals: { generations: number; settledUsd: number; reservedUsd: number };
}

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The Prometheus text format, just enough of it: `name{a="b",...} value` lines. */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** A quantile from cumulative histogram buckets (linear inside the bucket, as Prometheus does). */
function quantile(buckets: Array<{ le: number; count: number }>, q: number): number | undefined {
  const sorted = buckets.filter((b) => Number.isFinite(b.le)).sort((a, b) => a.le - b.le);
  const total = buckets.find((b) => !Number.isFinite(b.le))?.count ?? sorted.at(-1)?.count ?? 0;
  if (!total) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1, b.count - prevCount);
    prevLe = b.le;
    prevCount = b.count;
  }
  return sorted.at(-1)?.le;
}

/** Per provider: calls, error rate and p50/p95 latency of provider calls since this API process started. */
function providerStats(samples: Sample[]) {
  const stats = new Map<string, { calls: number; errors: number; buckets: Map<number, number> }>();
  const of = (p: string) => stats.get(p) ?? (stats.set(p, { calls: 0, errors: 0, buckets: new Map() }), stats.get(p)!);
  for (const s of samples) {
    const p = s.labels.provider;
    if (!p) continue;
    if (s.name === 'genflow_provider_call_duration_seconds_count') {
      of(p).calls += s.value;
      if (s.labels.outcome !== 'ok') of(p).errors += s.value;
    }
    if (s.name === 'genflow_provider_call_duration_seconds_bucket') {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      const b = of(p).buckets;
      b.set(le, (b.get(le) ?? 0) + s.value);
    }
  }
  return [...stats].map(([provider, s]) => {
    const buckets = [...s.buckets].map(([le, count]) => ({ le, count }));
    return { provider, calls: s.calls, errorRate: s.calls ? s.errors / s.calls : 0, p50: quantile(buckets, 0.5), p95: quantile(buckets, 0.95) };
  });
}

const ms = (s: number | undefined) => (s === undefined ? '—' : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`);
const table = (id: string, head: string[], rows: HTMLElement[]) =>
  h('div', { class: 'scroll-x' }, h('table', { id }, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))), h('tbody', {}, ...rows)));
const ok = (v: boolean) => h('span', { class: v ? 'ok' : 'bad' }, v ? 'ok' : 'down');

/** Admin: providers and their keys (masked), health, error rates and latency, open alerts, usage and budgets. */
export async function renderOperations(root: HTMLElement): Promise<Cleanup> {
  const sections = {
    health: h('section', { class: 'card', id: 'ops-health' }, h('h3', {}, 'Health'), h('p', { class: 'muted' }, 'Loading…')),
    alerts: h('section', { class: 'card', id: 'ops-alerts' }, h('h3', {}, 'Open alerts'), h('p', { class: 'muted' }, 'Loading…')),
    providers: h('section', { class: 'card wide', id: 'ops-providers' }, h('h3', {}, 'Providers'), h('p', { class: 'muted' }, 'Loading…')),
    usage: h('section', { class: 'card wide', id: 'ops-usage' }, h('h3', {}, 'Usage and budgets (30 days)'), h('p', { class: 'muted' }, 'Loading…')),
  };
  replace(root, h('div', { class: 'ops' }, ...Object.values(sections)));
  const failed = (section: HTMLElement, title: string) => (err: unknown) =>
    replace(section, h('h3', {}, title), h('p', { class: 'error' }, err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)));

  const health = async () => {
    const [ready, metricsText] = await Promise.all([api<Readiness>('/health/ready'), fetch('/metrics').then((r) => (r.ok ? r.text() : ''))]);
    const stats = providerStats(parseMetrics(metricsText));
    replace(
      sections.health,
      h('h3', {}, 'Health'),
      h('p', {}, badge(ready.status)),
      table('health-components', ['component', 'state', 'error'], Object.entries(ready.components ?? {}).map(([n, c]) => h('tr', {}, h('td', {}, n), h('td', {}, ok(c.ok)), h('td', { class: 'small' }, c.error ?? '')))),
      h('h3', {}, 'Provider calls (this API process)'),
      stats.length
        ? table('provider-stats', ['provider', 'calls', 'error rate', 'p50', 'p95'], stats.map((s) => h('tr', {}, h('td', {}, s.provider), h('td', {}, String(s.calls)), h('td', {}, `${(s.errorRate * 100).toFixed(1)}%`), h('td', {}, ms(s.p50)), h('td', {}, ms(s.p95)))))
        : h('p', { class: 'muted' }, 'No provider calls recorded by this process yet (workers in other processes export their own /metrics).'),
    );
  };

  const alerts = async () => {
    const page = await api<{ data: Alert[] }>('/v1/alerts?status=open&limit=50');
    const rows = page.data.map((a) => {
      const ack = h('button', { type: 'button', class: 'ack' }, 'Acknowledge');
      ack.addEventListener('click', () => void api(`/v1/alerts/${a.id}/acknowledge`, { method: 'POST', body: {} }).then(alerts, failed(sections.alerts, 'Open alerts')));
      return h('tr', { 'data-id': a.id }, h('td', {}, badge(a.severity)), h('td', {}, `${a.rule} · ${a.subject}`), h('td', { class: 'small' }, a.message), h('td', { class: 'small' }, time(a.lastSeenAt)), h('td', {}, ack));
    });
    replace(sections.alerts, h('h3', {}, `Open alerts (${rows.length})`), rows.length ? table('alerts', ['severity', 'alert', 'message', 'last seen', ''], rows) : h('p', { class: 'muted' }, 'None.'));
  };

  const providers = async () => {
    const list = (await api<{ data: Provider[] }>('/v1/providers')).data;
    replace(
      sections.providers,
      h('h3', {}, 'Providers'),
      table(
        'providers',
        ['provider', 'state', 'models', 'keys (masked)'],
        list.map((p) =>
          h(
            'tr',
            {},
            h('td', {}, p.displayName, h('div', { class: 'small muted' }, p.id)),
            h('td', {}, !p.enabled ? badge('disabled') : !p.configured ? badge('unconfigured') : badge('ready')),
            h('td', {}, String(p.models.length)),
            h('td', { class: 'small' }, ...(p.requiresApiKey ? p.keys.map((k) => h('div', {}, h('code', {}, k.masked), ' ', badge(k.status), k.lastError ? ` ${k.lastError}` : '', k.coolingDownUntil ? ` until ${time(k.coolingDownUntil)}` : '')) : ['no key needed'])),
          ),
        ),
      ),
    );
  };

  const usage = async () => {
    const [keys, spend] = await Promise.all([api<{ data: ApiKey[] }>('/v1/api-keys'), api<Usage>('/v1/usage')]);
    const budget = (k: ApiKey) => [k.budget.daily !== undefined ? `${usd(k.budget.daily)}/day` : '', k.budget.monthly !== undefined ? `${usd(k.budget.monthly)}/month` : '', k.budget.total !== undefined ? `${usd(k.budget.total)} total` : ''].filter(Boolean).join(' · ') || 'none';
    const byModel = new Map<string, { generations: number; usd: number }>();
    for (const r of spend.data) {
      const m = byModel.get(r.model) ?? { generations: 0, usd: 0 };
      m.generations += r.generations;
      m.usd += r.settledUsd;
      byModel.set(r.model, m);
    }
    replace(
      sections.usage,
      h('h3', {}, 'Usage and budgets (30 days)'),
      h('p', {}, `${spend.totals.generations} generations · ${usd(spend.totals.settledUsd)} settled · ${usd(spend.totals.reservedUsd)} reserved`),
      table('usage-models', ['model', 'generations', 'settled'], [...byModel].map(([model, m]) => h('tr', {}, h('td', {}, model), h('td', {}, String(m.generations)), h('td', {}, usd(m.usd))))),
      h('h3', {}, 'API keys'),
      table(
        'api-keys',
        ['key', 'owner', 'role', 'budget', 'limits'],
        keys.data.map((k) =>
          h('tr', { class: k.revokedAt ? 'revoked' : '' }, h('td', {}, k.name, ' ', h('code', {}, `${k.prefix}…`)), h('td', {}, k.owner), h('td', {}, k.role), h('td', { class: 'small' }, budget(k)), h('td', { class: 'small' }, `${k.rateLimit.requestsPerMinute ?? '—'}/min · ${k.rateLimit.maxConcurrentGenerations ?? '—'} concurrent`)),
        ),
      ),
    );
  };

  await Promise.all([
    health().catch(failed(sections.health, 'Health')),
    alerts().catch(failed(sections.alerts, 'Open alerts')),
    providers().catch(failed(sections.providers, 'Providers')),
    usage().catch(failed(sections.usage, 'Usage and budgets')),
  ]);
  const timer = setInterval(() => void health().catch(failed(sections.health, 'Health')), 10_000);
  return () => clearInterval(timer);
}
