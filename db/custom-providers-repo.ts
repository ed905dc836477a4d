import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** One custom provider declared over the API: the declaration as the API validated it. */
export interface StoredCustomProvider {
  id: string;
  declaration: unknown;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CustomProvidersRepo {
  list(): Promise<StoredCustomProvider[]>;
  get(id: string): Promise<StoredCustomProvider | undefined>;
  /** Creates or replaces; the version goes up by one on every replace. */
  put(id: string, declaration: unknown): Promise<{ provider: StoredCustomProvider; created: boolean }>;
  delete(id: string): Promise<boolean>;
}

type Row = { id: string; declaration: unknown; version: number; created_at: Date | string; updated_at: Date | string };

function toStored(r: Row): StoredCustomProvider {
  return {
    id: r.id,
    // PGlite and node-postgres both hand jsonb back parsed; a string would be a driver without that.
    declaration: typeof r.declaration === 'string' ? (JSON.parse(r.declaration) as unknown) : r.declaration,
    version: r.version,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export function createCustomProvidersRepo(db: Kysely<Database>): CustomProvidersRepo {
  const columns = ['id', 'declaration', 'version', 'created_at', 'updated_at'] as const;
  return {
    async list() {
      return (await db.selectFrom('custom_providers').select(columns).orderBy('id').execute()).map(toStored);
    },
    async get(id) {
      const row = await db.selectFrom('custom_providers').select(columns).where('id', '=', id).executeTakeFirst();
      return row ? toStored(row) : undefined;
    },
    async put(id, declaration) {
      const json = JSON.stringify(declaration);
      const row = await db
        .insertInto('custom_providers')
        .values({ id, declaration: json })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({ declaration: json, version: eb('custom_providers.version', '+', 1), updated_at: new Date() })),
        )
        .returning(columns)
        .executeTakeFirstOrThrow();
      return { provider: toStored(row), created: row.version === 1 };
    },
    async delete(id) {
      const result = await db.deleteFrom('custom_providers').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
