import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import { unfinishedGenerations } from '../db/metrics-queries';
import type { Database } from '../db/schema';
import type { ProviderCallObservation, ProviderGateway } from '../providers/provider-gateway';

export interface MetricsOptions {
  /** Source of the queued / running gauges, read at scrape time. */
  db?: Kysely<Database>;
  /** Source of the key-pool gauges, read at scrape time. */
  providers?: ProviderGateway;
  /** The Temporal SDK's own Prometheus endpoint, appended to every scrape. */
  temporalMetricsUrl?: string;
  logger?: Logger;
  /** Process metrics (CPU, memory, event loop); off in tests that build many registries. */
  processMetrics?: boolean;
}

export interface FinishedGeneration {
  model: string;
  provider: string;
  status: string;
  /** USD settled for it (the model's price estimate until providers report charges). */
  costUsd: number;
}

const KEY_STATES = { active: 'usable', cooling_down: 'cooling', disabled: 'disabled' } as const;

/**
 * One Prometheus registry per process. Counters count what this process did (requests served,
 * provider calls made, generations finished by its workers); gauges that describe shared state
 * (queue, key pools) are read from the database and the provider gateway when scraped.
 */
export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'genflow_' });

  const httpRequests = new Counter({
    name: 'genflow_http_requests_total',
    help: 'HTTP requests served, by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const httpErrors = new Counter({
    name: 'genflow_http_request_errors_total',
    help: 'HTTP requests answered with a 5xx status, by method and route template',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'genflow_http_request_duration_seconds',
    help: 'HTTP request duration, by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const finished = new Counter({
    name: 'genflow_generations_finished_total',
    help: 'Generations finished by this process, by model, provider and final status',
    labelNames: ['model', 'provider', 'status'],
    registers: [registry],
  });
  const cost = new Counter({
    name: 'genflow_generation_cost_usd_total',
    help: 'Settled cost in USD of the generations finished by this process, by model and provider',
    labelNames: ['model', 'provider'],
    registers: [registry],
  });
  const providerDuration = new Histogram({
    name: 'genflow_provider_call_duration_seconds',
    help: 'Provider API call duration, by provider and outcome (ok or the error code)',
    labelNames: ['provider', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const providerErrors = new Counter({
    name: 'genflow_provider_call_errors_total',
    help: 'Failed provider API calls, by provider and error code',
    labelNames: ['provider', 'code'],
    registers: [registry],
  });

  const db = options.db;
  new Gauge({
    name: 'genflow_generations_unfinished',
    help: 'Generations queued (waiting for a worker) or running (in flight), by model, provider and status; from the database',
    labelNames: ['model', 'provider', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!db) return;
      try {
        for (const r of await unfinishedGenerations(db)) this.set({ model: r.model, provider: r.provider, status: r.status }, r.count);
      } catch (err) {
        options.logger?.warn({ err }, 'metrics: the database could not be read');
      }
    },
  });
  new Gauge({
    name: 'genflow_provider_keys',
    help: 'API keys per provider by state (usable, cooling, disabled)',
    labelNames: ['provider', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const providers = options.providers;
      if (!providers) return;
      for (const p of await providers.status()) {
        if (!p.requiresApiKey || !p.configured) continue;
        for (const state of Object.values(KEY_STATES)) this.set({ provider: p.id, state }, 0);
        for (const k of p.keys) this.inc({ provider: p.id, state: KEY_STATES[k.status] });
      }
    },
  });

  return {
    registry,

    httpRequest(method: string, route: string, status: number, seconds: number): void {
      const labels = { method, route, status: String(status) };
      httpRequests.inc(labels);
      httpDuration.observe(labels, seconds);
      if (status >= 500) httpErrors.inc(labels);
    },

    generationFinished(g: FinishedGeneration): void {
      finished.inc({ model: g.model, provider: g.provider, status: g.status });
      if (g.costUsd > 0) cost.inc({ model: g.model, provider: g.provider }, g.costUsd);
    },

    providerCall(call: ProviderCallObservation): void {
      providerDuration.observe({ provider: call.provider, outcome: call.errorCode ?? 'ok' }, call.seconds);
      if (call.errorCode) providerErrors.inc({ provider: call.provider, code: call.errorCode });
    },

    /** The exposition text: ours, then the Temporal SDK's (its names start with temporal_). */
    async render(): Promise<{ contentType: string; body: string }> {
      const own = await registry.metrics();
      let sdk = '';
      if (options.temporalMetricsUrl) {
        try {
          const res = await fetch(options.temporalMetricsUrl, { signal: AbortSignal.timeout(2_000) });
          if (res.ok) sdk = await res.text();
        } catch (err) {
          options.logger?.warn({ err, url: options.temporalMetricsUrl }, 'metrics: the Temporal SDK exporter did not answer');
        }
      }
      return { contentType: registry.contentType, body: sdk ? `${own}\n${sdk}` : own };
    },
  };
}
export type GenflowMetrics = ReturnType<typeof createMetrics>;
