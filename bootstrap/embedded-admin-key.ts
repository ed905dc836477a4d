import { randomUUID } from 'node:crypto';
import { newApiKey } from '../api/auth';
import type { AccountsRepo } from '../db/accounts-repo';
import { ApiKeyRole } from '../domain/accounts';

/**
 * `genflow dev` without GENFLOW_ADMIN_API_KEY: when the database has no active admin key, one
 * is created, only its hash is stored, and the key is returned for the console, once. Later
 * starts find the key and return nothing; revoking every admin key makes the next start
 * create a new one.
 */
export async function ensureEmbeddedAdminKey(accounts: AccountsRepo, configuredKey: string | undefined): Promise<string | undefined> {
  if (configuredKey || (await accounts.hasActiveAdminKey())) return undefined;
  const { key, hash, prefix } = newApiKey();
  await accounts.insertKey({ id: randomUUID(), name: 'embedded admin (created at first start)', keyHash: hash, keyPrefix: prefix, role: ApiKeyRole.admin, owner: 'admin', budgetMicros: {} });
  return key;
}
