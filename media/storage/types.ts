import type { Readable } from 'node:stream';

export interface PutResult {
  bytes: number;
  sha256: string;
}

export interface StoredObject {
  stream: Readable;
  bytes: number;
}

/** Where outputs live. Keys are relative paths like `generations/<id>/0.png`. */
export interface Storage {
  readonly kind: string;
  /** Writes the whole stream; the object appears only once it is complete. */
  put(key: string, body: Readable | Buffer, contentType: string): Promise<PutResult>;
  get(key: string): Promise<StoredObject | undefined>;
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix` (a folder like `generations/<id>/`); answers how many. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * A time-limited URL anyone can GET the object from, for stores reachable by clients and
   * providers (S3). Absent for local disk, whose objects are served by the API.
   */
  presignGet?(key: string, options?: { contentType?: string; contentDisposition?: string }): Promise<string>;
  /** Removes objects last written before `cutoff` (retention); answers how many. */
  removeOlderThan?(cutoff: Date): Promise<number>;
  ping(): Promise<void>;
}
