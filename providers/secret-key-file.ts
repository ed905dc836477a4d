import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecretBox, parseSecretKey, type SecretBox } from './secret-box';

/**
 * The secret box of this process: `GENFLOW_SECRET_KEY` when set. The embedded stack (no
 * DATABASE_URL: one process, data under GENFLOW_HOME) makes its own key file next to its data
 * on first use, so `npm start` can store provider keys with no setup; a deployment with a
 * shared database must give every process the same key in the environment, or store none.
 */
export function secretBoxFor(options: { secretKey?: string | undefined; home: string; embedded: boolean }): SecretBox | undefined {
  if (options.secretKey) return createSecretBox(parseSecretKey(options.secretKey));
  if (!options.embedded) return undefined;
  const file = join(options.home, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(options.home, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return createSecretBox(parseSecretKey(readFileSync(file, 'utf8')));
}
