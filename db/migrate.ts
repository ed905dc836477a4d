import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-generations-and-assets';
import * as m0002 from './migrations/0002-provider-keys-and-prompts';
import * as m0003 from './migrations/0003-batches';
import * as m0004 from './migrations/0004-experiments';
import * as m0006 from './migrations/0006-search-and-metadata';
import * as m0007 from './migrations/0007-accounts';
import * as m0008 from './migrations/0008-provider-configs';
import * as m0009 from './migrations/0009-error-logs-and-alerts';
import * as m0010 from './migrations/0010-workflow-features';
import * as m0011 from './migrations/0011-search-five-grams';
import * as m0012 from './migrations/0012-ledger-actuals';
import * as m0013 from './migrations/0013-browser-sessions';
import * as m0014 from './migrations/0014-webhook-deliveries';
import * as m0015 from './migrations/0015-workflow-outbox';
import * as m0016 from './migrations/0016-batch-idempotency';
import * as m0017 from './migrations/0017-console-batch-list';
import * as m0018 from './migrations/0018-studio';
import * as m0019 from './migrations/0019-task-keys-and-model-configs';
import * as m0020 from './migrations/0020-batch-item-starts';
import * as m0022 from './migrations/0022-millisecond-timestamps';
import * as m0023 from './migrations/0023-custom-providers';

/**
 * Migrations are independent and additive, so one written on a branch may land after a
 * later-numbered one was applied: unordered application is allowed. Kysely records each by
 * name, so a number is never reused or renamed; no 0005 was ever committed, and the gap is
 * harmless.
 * Migrations are imported statically (not read from a folder) so they work the same under
 * tsx, vitest and a bundled build. Add new ones here in order.
 */
export const migrations: Record<string, Migration> = {
  '0001-generations-and-assets': m0001,
  '0002-provider-keys-and-prompts': m0002,
  '0003-batches': m0003,
  '0004-experiments': m0004,
  '0006-search-and-metadata': m0006,
  '0007-accounts': m0007,
  '0008-provider-configs': m0008,
  '0009-error-logs-and-alerts': m0009,
  '0010-workflow-features': m0010,
  '0011-search-five-grams': m0011,
  '0012-ledger-actuals': m0012,
  '0013-browser-sessions': m0013,
  '0014-webhook-deliveries': m0014,
  '0015-workflow-outbox': m0015,
  '0016-batch-idempotency': m0016,
  '0017-console-batch-list': m0017,
  '0018-studio': m0018,
  '0019-task-keys-and-model-configs': m0019,
  '0020-batch-item-starts': m0020,
  '0022-millisecond-timestamps': m0022,
  '0023-custom-providers': m0023,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error) {
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`database migration failed: ${reason}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
