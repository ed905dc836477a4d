import type { PersistedKeyState } from './key-pool';

/**
 * Where key pools share what they learn (a rejected key, a cool-down) across processes: the
 * workers that call providers write, the API that shows `GET /v1/providers` reads.
 */
export interface KeyStateStore {
  load(providerId?: string): Promise<Array<PersistedKeyState & { providerId: string }>>;
  save(providerId: string, state: PersistedKeyState): Promise<void>;
}

/** A store in memory: for one process (tests, tools) or when no database is at hand. */
export function memoryKeyStateStore(): KeyStateStore {
  const rows = new Map<string, PersistedKeyState & { providerId: string }>();
  return {
    load: (providerId) => Promise.resolve([...rows.values()].filter((r) => providerId === undefined || r.providerId === providerId)),
    save(providerId, state) {
      const key = `${providerId}/${state.keyId}`;
      const before = rows.get(key);
      rows.set(key, { ...state, providerId, disabled: state.disabled || (before?.disabled ?? false), coolUntil: Math.max(state.coolUntil, before?.coolUntil ?? 0) });
      return Promise.resolve();
    },
  };
}
