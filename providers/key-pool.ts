import { createHash } from 'node:crypto';
import { ProviderError, type ErrorCode } from '../domain/errors';

export type KeyStatus = 'active' | 'cooling_down' | 'disabled';

export interface KeyState {
  /** Stable id of a key that never reveals it: the first 12 hex chars of its sha256. */
  id: string;
  masked: string;
  status: KeyStatus;
  coolingDownUntil?: string;
  lastError?: ErrorCode;
  lastErrorMessage?: string;
  lastErrorAt?: string;
}

/**
 * A key's state as shared between processes (the `provider_key_state` table): the API shows
 * what the workers learned. Never holds the key itself, only its id and mask.
 */
export interface PersistedKeyState {
  keyId: string;
  masked: string;
  disabled: boolean;
  /** Epoch ms; 0 when not cooling down. */
  coolUntil: number;
  lastError?: ErrorCode;
  lastErrorMessage?: string;
  /** Epoch ms of the last error. */
  lastErrorAt?: number;
}

interface Entry {
  key: string;
  /** Every text the key may be echoed as (keyForms). */
  forms: string[];
  id: string;
  disabled: boolean;
  coolUntil: number;
  lastError?: ErrorCode;
  lastErrorMessage?: string;
  lastErrorAt?: number;
}

/** `sk-live-abcdef1234` → `sk-…1234`: enough to tell keys apart, too little to use one. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '…' + key.slice(-2);
  const dash = key.indexOf('-');
  const prefix = dash > 0 && dash <= 4 ? key.slice(0, dash + 1) : '';
  return `${prefix}…${key.slice(-4)}`;
}

/**
 * The texts a key may appear as in what a provider sends back: as is, URL-encoded, and base64
 * or base64url at each of the three byte alignments (inside `user:key` encoded for Basic auth
 * the key starts mid-group). Of an encoded form only the characters that depend on the key's
 * bytes alone are kept, so it is found whatever surrounds the key.
 */
export function keyForms(key: string): string[] {
  const forms = new Set([key, encodeURIComponent(key)]);
  const bytes = Buffer.from(key, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const from = Math.ceil((4 * offset) / 3);
    const to = Math.floor((4 * padded.length) / 3);
    for (const encoding of ['base64', 'base64url'] as const) {
      const stable = padded.toString(encoding).replace(/=+$/, '').slice(from, to);
      if (stable.length >= 8) forms.add(stable);
    }
  }
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}

export function keyId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * A provider's API keys, used round-robin. A key the provider rejects (401/403) leaves the
 * rotation; a rate-limited key (429) cools down for its Retry-After. The next call takes the
 * next usable key — except a call about an existing task, which takes its key (`acquireById`).
 */
export class KeyPool {
  private readonly entries: Entry[];
  private cursor = 0;

  constructor(
    readonly providerId: string,
    keys: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    this.entries = keys.map((key) => ({ key, forms: keyForms(key), id: keyId(key), disabled: false, coolUntil: 0 }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The next usable key, or a ProviderError saying why there is none. */
  acquire(): string {
    if (this.entries.length === 0) {
      throw new ProviderError('AUTHENTICATION_FAILED', `provider ${this.providerId} has no API key configured`, { retryable: false });
    }
    const now = this.now();
    for (let i = 0; i < this.entries.length; i++) {
      const entry = this.entries[(this.cursor + i) % this.entries.length]!;
      if (!entry.disabled && entry.coolUntil <= now) {
        this.cursor = (this.cursor + i + 1) % this.entries.length;
        return entry.key;
      }
    }
    const enabled = this.entries.filter((e) => !e.disabled);
    if (enabled.length === 0) {
      throw new ProviderError('AUTHENTICATION_FAILED', `every API key of provider ${this.providerId} was rejected`, { retryable: false });
    }
    const soonest = Math.min(...enabled.map((e) => e.coolUntil));
    throw new ProviderError('RATE_LIMITED', `every API key of provider ${this.providerId} is rate-limited`, {
      retryAfterMs: Math.max(soonest - now, 1),
    });
  }

  /**
   * The key with this id and no other: a provider task lives in the account of the key that
   * submitted it, so its polls, cancels and downloads must use that key. A key that is no longer
   * configured or was disabled fails the call with PROVIDER_KEY_UNAVAILABLE (another account's
   * key would only get "task not found"); one cooling down says RATE_LIMITED with its wait.
   */
  acquireById(id: string): string {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) {
      throw new ProviderError('PROVIDER_KEY_UNAVAILABLE', `the ${this.providerId} API key that submitted this task (id ${id}) is no longer configured; the task cannot be reached with another key`, {
        details: { provider: this.providerId, keyId: id, reason: 'not_configured' },
      });
    }
    if (entry.disabled) {
      const why = entry.lastError ? ` (${entry.lastError})` : '';
      // Not even the mask: the message reaches the generation's owner, who is not the key's.
      throw new ProviderError('PROVIDER_KEY_UNAVAILABLE', `the ${this.providerId} API key that submitted this task (id ${id}) is disabled${why}; the task cannot be reached with another key`, {
        details: { provider: this.providerId, keyId: id, reason: 'disabled' },
      });
    }
    const now = this.now();
    if (entry.coolUntil > now) {
      throw new ProviderError('RATE_LIMITED', `the ${this.providerId} API key that submitted this task (id ${id}) is rate-limited`, {
        retryAfterMs: Math.max(entry.coolUntil - now, 1),
      });
    }
    return entry.key;
  }

  /**
   * Records how a call with `key` failed; other codes do not affect the key. Returns the new
   * state to persist, or undefined when nothing changed. `message` is stored with keys redacted.
   */
  report(key: string, code: ErrorCode, retryAfterMs?: number, message?: string): PersistedKeyState | undefined {
    const entry = this.entries.find((e) => e.key === key);
    if (!entry) return undefined;
    if (code === 'AUTHENTICATION_FAILED') {
      entry.disabled = true;
    } else if (code === 'RATE_LIMITED' || code === 'QUOTA_EXCEEDED') {
      entry.coolUntil = this.now() + (retryAfterMs ?? (code === 'QUOTA_EXCEEDED' ? 3_600_000 : 30_000));
    } else {
      return undefined;
    }
    entry.lastError = code;
    entry.lastErrorAt = this.now();
    if (message !== undefined) entry.lastErrorMessage = this.redact(message).slice(0, 500);
    return this.persisted(entry);
  }

  private persisted(e: Entry): PersistedKeyState {
    return {
      keyId: e.id,
      masked: maskKey(e.key),
      disabled: e.disabled,
      coolUntil: e.coolUntil,
      ...(e.lastError ? { lastError: e.lastError } : {}),
      ...(e.lastErrorMessage ? { lastErrorMessage: e.lastErrorMessage } : {}),
      ...(e.lastErrorAt ? { lastErrorAt: e.lastErrorAt } : {}),
    };
  }

  /**
   * Takes in what other processes recorded. The shared store is the truth for `disabled` (so
   * clearing a row re-enables a key everywhere); a cool-down lasts until the later of the two.
   */
  merge(states: readonly PersistedKeyState[]): void {
    const byId = new Map(states.map((s) => [s.keyId, s]));
    for (const entry of this.entries) {
      const state = byId.get(entry.id);
      entry.disabled = state?.disabled ?? false;
      entry.coolUntil = Math.max(entry.coolUntil, state?.coolUntil ?? 0);
      if (state?.lastError) {
        entry.lastError = state.lastError;
        if (state.lastErrorMessage !== undefined) entry.lastErrorMessage = state.lastErrorMessage;
        if (state.lastErrorAt !== undefined) entry.lastErrorAt = state.lastErrorAt;
      }
    }
  }

  /**
   * `text` with every key of this pool replaced by its mask, also where it is URL- or
   * base64-encoded: for messages from providers that echo keys.
   */
  redact(text: string): string {
    let out = text;
    for (const e of this.entries) for (const form of e.forms) out = out.split(form).join(maskKey(e.key));
    return out;
  }

  /** Whether `text` contains any key of this pool, in any of its encodings. */
  leaks(text: string): boolean {
    return this.entries.some((e) => e.forms.some((form) => text.includes(form)));
  }

  states(): KeyState[] {
    const now = this.now();
    return this.entries.map((e) => ({
      id: e.id,
      masked: maskKey(e.key),
      status: e.disabled ? 'disabled' : e.coolUntil > now ? 'cooling_down' : 'active',
      ...(e.coolUntil > now ? { coolingDownUntil: new Date(e.coolUntil).toISOString() } : {}),
      ...(e.lastError ? { lastError: e.lastError } : {}),
      ...(e.lastErrorMessage ? { lastErrorMessage: e.lastErrorMessage } : {}),
      ...(e.lastErrorAt ? { lastErrorAt: new Date(e.lastErrorAt).toISOString() } : {}),
    }));
  }
}
