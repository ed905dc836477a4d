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
  ping(): Promise<void>;
}
