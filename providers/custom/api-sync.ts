import type { Logger } from 'pino';
import type { ModelCatalogue } from '../catalogue';
import type { Provider } from '../types';
import { parseProviderDeclaration, toProvider } from './load';

/** Where the declarations made over the API live (db/custom-providers-repo.ts). */
export interface CustomProviderSource {
  list(): Promise<Array<{ id: string; declaration: unknown; version: number }>>;
}

export interface ApiProviderSyncOptions {
  source: CustomProviderSource;
  /** The process's catalogue, whose API-declared providers this keeps in step. */
  catalogue: ModelCatalogue;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** How often every process re-reads them; default 2 s (like the provider configs). */
  intervalMs?: number;
  /** A lookup miss re-reads at most this often; default 250 ms. */
  missGapMs?: number;
}

/** A stored declaration as a provider; its id comes from the row (the API stores it without one). */
export function apiDeclaredProvider(id: string, declaration: unknown): Provider {
  const doc = declaration !== null && typeof declaration === 'object' ? { ...declaration, id } : declaration;
  return toProvider(parseProviderDeclaration(doc, `of '${id}' (set over the API)`));
}

/**
 * Keeps this process's catalogue in step with the custom providers declared over the API: reads
 * them at start, every `intervalMs`, after a change made through this process, and when a model
 * or provider lookup misses (a declaration made a moment ago on another process). A stored
 * declaration that no longer validates (a newer genflow tightened the schema) is skipped with a
 * warning naming the field; the rest still load.
 */
export function createApiProviderSync(options: ApiProviderSyncOptions) {
  let signature: string | undefined;
  let readAt = -Infinity;
  let reading: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function read(): Promise<void> {
    const rows = await options.source.list();
    const next = rows.map((r) => `${r.id}:${r.version}`).join(',');
    readAt = Date.now();
    if (next === signature) return;
    const loaded: Provider[] = [];
    for (const row of rows) {
      try {
        loaded.push(apiDeclaredProvider(row.id, row.declaration));
      } catch (err) {
        options.logger.warn({ provider: row.id, err: err instanceof Error ? err.message : String(err) }, 'custom provider set over the API is skipped');
      }
    }
    for (const id of options.catalogue.setApiProviders(loaded)) {
      options.logger.warn({ provider: id }, 'custom provider set over the API is skipped: a built-in or file-declared provider has its id');
    }
    signature = next;
  }

  /** Re-reads now (or waits for the read under way); errors keep the last providers in force. */
  async function refresh(): Promise<void> {
    reading ??= read()
      .catch((err: unknown) => options.logger.warn({ err }, 'custom providers set over the API could not be read; the last ones stay in force'))
      .finally(() => {
        reading = undefined;
      });
    await reading;
  }

  return {
    refresh,

    async start(): Promise<void> {
      await refresh();
      timer = setInterval(() => void refresh(), options.intervalMs ?? 2_000);
      timer.unref();
      options.catalogue.refreshOnMiss(async () => {
        if (Date.now() - readAt >= (options.missGapMs ?? 250)) await refresh();
      });
    },

    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
      options.catalogue.refreshOnMiss(undefined);
    },
  };
}
export type ApiProviderSync = ReturnType<typeof createApiProviderSync>;
