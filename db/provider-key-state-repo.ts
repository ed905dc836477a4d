import { sql, type Kysely } from 'kysely';
import { isErrorCode } from '../domain/errors';
import type { KeyStateStore } from '../providers/key-state-store';
import type { Database } from './schema';

const ms = (d: Date | string | null): number | undefined => (d === null ? undefined : new Date(d).getTime());

/** The key state store on Postgres/PGlite: `provider_key_state`. */
export function createKeyStateRepo(db: Kysely<Database>): KeyStateStore {
  return {
    async load(providerId) {
      let query = db.selectFrom('provider_key_state').selectAll();
      if (providerId !== undefined) query = query.where('provider', '=', providerId);
      const rows = await query.execute();
      return rows.map((r) => {
        const lastErrorAt = ms(r.last_error_at);
        return {
          providerId: r.provider,
          keyId: r.key_id,
          masked: r.masked,
          disabled: r.disabled,
          coolUntil: ms(r.cooling_down_until) ?? 0,
          ...(isErrorCode(r.last_error_code) ? { lastError: r.last_error_code } : {}),
          ...(r.last_error_message !== null ? { lastErrorMessage: r.last_error_message } : {}),
          ...(lastErrorAt !== undefined ? { lastErrorAt } : {}),
        };
      });
    },

    async save(providerId, state) {
      const values = {
        provider: providerId,
        key_id: state.keyId,
        masked: state.masked,
        disabled: state.disabled,
        cooling_down_until: state.coolUntil > 0 ? new Date(state.coolUntil) : null,
        last_error_code: state.lastError ?? null,
        last_error_message: state.lastErrorMessage ?? null,
        last_error_at: state.lastErrorAt !== undefined ? new Date(state.lastErrorAt) : null,
      };
      // Two workers may learn about the same key at once: a rejection is never undone by a
      // concurrent write, and the later cool-down wins.
      await db
        .insertInto('provider_key_state')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['provider', 'key_id']).doUpdateSet({
            masked: values.masked,
            disabled: sql<boolean>`provider_key_state.disabled or excluded.disabled`,
            cooling_down_until: sql<Date | null>`greatest(provider_key_state.cooling_down_until, excluded.cooling_down_until)`,
            last_error_code: values.last_error_code,
            last_error_message: values.last_error_message,
            last_error_at: values.last_error_at,
            updated_at: sql`now()`,
          }),
        )
        .execute();
    },
  };
}
