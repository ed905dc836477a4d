import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';

/**
 * A pass-through that counts and hashes what flows through it, so every storage driver reports
 * size and sha256 of exactly the bytes it stored without a second read.
 */
export function meteredSource(body: Readable | Buffer): { stream: Transform; source: Readable; result: () => { bytes: number; sha256: string } } {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
  return { stream, source, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}
