import { Writable } from 'node:stream';
import pino from 'pino';

/**
 * Every line logged while started: a pino logger at the most verbose level for genflow, and
 * whatever reaches stdout/stderr (the Temporal worker logs activity failures there).
 */
export function capturingLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tap = (original: typeof process.stdout.write): typeof process.stdout.write =>
    ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return original(chunk, ...rest);
    });
  return {
    logger: pino({ level: 'trace' }, stream),
    text: () => lines.join(''),
    start() {
      process.stdout.write = tap(originals.out);
      process.stderr.write = tap(originals.err);
    },
    stop() {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}
