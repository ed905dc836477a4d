import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

/**
 * One pino logger per process. Secrets are redacted by path so that a key put into a log
 * object by mistake never reaches the output. JSON is the default (log shippers parse it);
 * `pretty` is for a person at a terminal (`genflow dev`), written synchronously so the last
 * lines before an exit are not lost.
 */
export function createLogger(level: string, name = 'genflow', format: LogFormat = 'json'): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: ['apiKey', '*.apiKey', 'headers.authorization', '*.headers.authorization', 'req.headers["x-api-key"]', '*.headers["x-api-key"]', 'req.headers.cookie', '*.headers.cookie'],
      censor: '[redacted]',
    },
  };
  if (format === 'pretty') {
    return pino(options, pretty({ sync: true, colorize: process.stdout.isTTY, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }));
  }
  return pino(options);
}
