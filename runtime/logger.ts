import pino, { type Logger } from 'pino';

/**
 * One pino logger per process. Secrets are redacted by path so that a key put into a log
 * object by mistake never reaches the output.
 */
export function createLogger(level: string, name = 'genflow'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['apiKey', '*.apiKey', 'headers.authorization', '*.headers.authorization', 'req.headers["x-api-key"]', '*.headers["x-api-key"]', '*.headers.cookie'], censor: '[redacted]' },
  });
}
