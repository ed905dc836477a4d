import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Logger } from 'pino';
import { GENFLOW_SEARCH_ATTRIBUTE_KEYS, searchAttributePairs, type SearchAttributeValues } from '../domain/search-attributes';

/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD */
const KEYWORD = 2;
/** A failed check (refused) is retried after this long instead of sticking. */
const RETRY_AFTER_MS = 30_000;

/** gRPC codes of a server that is away or overloaded (@grpc/grpc-js is not a direct dependency). */
const UNREACHABLE_CODES: number[] = [4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */];

/** The gRPC status code of a Temporal client error, if it carries one. */
export function grpcCode(err: unknown): number | undefined {
  const grpc = isGrpcServiceError(err) ? err : err instanceof ServiceError && isGrpcServiceError(err.cause) ? err.cause : undefined;
  return grpc?.code;
}

/** Temporal could not be reached (down, deadline passed, overloaded): a retry may pass. */
export function isTemporalUnreachable(err: unknown): boolean {
  const code = grpcCode(err);
  return code !== undefined && UNREACHABLE_CODES.includes(code);
}

export const CREATE_COMMAND = (namespace: string, names: string[]) =>
  `temporal operator search-attribute create --namespace ${namespace} ${names.map((n) => `--name ${n} --type Keyword`).join(' ')}`;

/**
 * Which of genflow's search attributes the namespace has. Checked once (at start and before the
 * first workflow start); missing ones are registered when the server allows it (a dev server or
 * a self-hosted cluster), otherwise a warning names the command an operator should run, and
 * workflows start without them. A submit never fails over a search attribute.
 */
export function createSearchAttributes(temporal: Client, logger: Logger) {
  // Read lazily: building the app must not touch the client (tests list routes with a stub).
  let namespace = '';
  let checked: { at: number; ok: boolean; unreachable?: Error; names: Promise<Set<string>> } | undefined;

  async function check(): Promise<{ ok: boolean; unreachable?: Error; names: Set<string> }> {
    let present: Set<string>;
    let operator: Client['connection']['operatorService'];
    try {
      namespace = temporal.options.namespace;
      operator = temporal.connection.operatorService;
      const { customAttributes } = await operator.listSearchAttributes({ namespace });
      present = new Set(Object.entries(customAttributes ?? {}).filter(([, type]) => Number(type) === KEYWORD).map(([name]) => name));
    } catch (err) {
      // Unreachable: nothing can start now either, so the next start checks again.
      if (isTemporalUnreachable(err)) return { ok: false, unreachable: err as Error, names: new Set() };
      logger.warn({ err, namespace }, 'could not list the namespace search attributes; starting workflows without them');
      return { ok: false, names: new Set() };
    }
    const missing = GENFLOW_SEARCH_ATTRIBUTE_KEYS.map((k) => k.name).filter((name) => !present.has(name));
    if (missing.length === 0) return { ok: true, names: present };
    try {
      await operator.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])) });
      logger.info({ namespace, registered: missing }, 'registered genflow search attributes');
      for (const name of missing) present.add(name);
    } catch (err) {
      // Another process may have registered them meanwhile (a refused "already exists").
      const again = await operator.listSearchAttributes({ namespace }).catch(() => undefined);
      for (const [name, type] of Object.entries(again?.customAttributes ?? {})) if (Number(type) === KEYWORD) present.add(name);
      const still = missing.filter((name) => !present.has(name));
      if (still.length === 0) return { ok: true, names: present };
      logger.warn(
        { err, namespace, missing: still },
        `genflow search attributes are missing and could not be registered; workflows start without them. Register them with: ${CREATE_COMMAND(namespace, still)}`,
      );
    }
    return { ok: true, names: present };
  }

  function available(): NonNullable<typeof checked> {
    const now = Date.now();
    if (!checked || (!checked.ok && (checked.unreachable !== undefined || now - checked.at > RETRY_AFTER_MS))) {
      const entry: NonNullable<typeof checked> = { at: now, ok: true, names: Promise.resolve(new Set()) };
      entry.names = check().then((r) => {
        entry.ok = r.ok;
        entry.unreachable = r.unreachable;
        return r.names;
      });
      checked = entry;
    }
    return checked;
  }

  return {
    /** Runs the check now (at process start), so a warning shows before the first submit. */
    warmUp(): void {
      void available();
    },
    /** The names of genflow's attributes the namespace has (none while Temporal cannot be asked). */
    async available(): Promise<ReadonlySet<string>> {
      return available().names;
    },
    /**
     * The pairs of the attributes the namespace has. `strict`: when Temporal could not be
     * reached to check, throws that error rather than answer none (a start that must carry
     * its attributes waits for the check instead of racing a server coming back).
     */
    async pairs(values: SearchAttributeValues, options: { strict?: boolean } = {}): Promise<SearchAttributePair[]> {
      const entry = available();
      const names = await entry.names;
      if (options.strict && entry.unreachable !== undefined) throw entry.unreachable;
      return searchAttributePairs(values, names);
    },
  };
}
export type SearchAttributes = ReturnType<typeof createSearchAttributes>;

/** A start refused over its search attributes (one removed since the check) is retried without them. */
export function isSearchAttributeRejection(err: unknown): boolean {
  return err instanceof Error && /search attribute/i.test(err.message);
}

/** Starts with the pairs; a start refused over them (one removed since the check) goes again without. */
export async function startWithSearchAttributes<T>(
  pairs: SearchAttributePair[],
  start: (extra: { typedSearchAttributes?: SearchAttributePair[] }) => Promise<T>,
  logger: Logger,
): Promise<T> {
  if (pairs.length === 0) return start({});
  try {
    return await start({ typedSearchAttributes: pairs });
  } catch (err) {
    if (!isSearchAttributeRejection(err)) throw err;
    logger.warn({ err }, 'workflow start refused its search attributes; started without them');
    return start({});
  }
}
