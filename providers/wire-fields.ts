/**
 * A provider's documented request-body field names, quoted from its API reference, one family
 * of models (one body shape) at a time. Contract tests compare every body an adapter sends to
 * its fake against this table, so a misnamed or undocumented field fails a test instead of
 * being silently ignored (or refused) by the real API.
 */
export interface WireFamily {
  /** The doc page (and section) the names are quoted from. */
  doc: string;
  /**
   * Documented keys per object of the body: `''` is the top level, `input` the object under
   * `input`, `instances[]` each element of `instances`. Objects at paths not listed here are
   * opaque values (e.g. a free-form metadata map).
   */
  fields: Readonly<Record<string, readonly string[]>>;
  /** Dotted paths that every request of the family carries (`input.prompt`). */
  required?: readonly string[];
}

export interface WireFieldTable {
  provider: string;
  /** The provider's API reference home. */
  doc: string;
  families: Readonly<Record<string, WireFamily>>;
}
