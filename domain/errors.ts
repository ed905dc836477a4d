/**
 * The error taxonomy. Every failure that reaches a client, a workflow or a log carries one
 * of these codes; the HTTP status and the retryable flag are fixed per code so that the API,
 * the activities and the workflows all agree on what a failure means.
 */
import type { ProviderCharge } from './charges';
export const ErrorCode = {
  INVALID_REQUEST: 'INVALID_REQUEST',
  INVALID_PARAMETERS: 'INVALID_PARAMETERS',
  UNSUPPORTED_CAPABILITY: 'UNSUPPORTED_CAPABILITY',
  AUTHENTICATION_FAILED: 'AUTHENTICATION_FAILED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  RATE_LIMITED: 'RATE_LIMITED',
  CONTENT_REJECTED: 'CONTENT_REJECTED',
  PROVIDER_ERROR: 'PROVIDER_ERROR',
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  PROVIDER_TIMEOUT: 'PROVIDER_TIMEOUT',
  PROVIDER_KEY_UNAVAILABLE: 'PROVIDER_KEY_UNAVAILABLE',
  INPUT_FETCH_FAILED: 'INPUT_FETCH_FAILED',
  STORAGE_FAILED: 'STORAGE_FAILED',
  TASK_TIMEOUT: 'TASK_TIMEOUT',
  CANCELED: 'CANCELED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  // The API needs a few codes of its own that no provider produces.
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  CONFLICT: 'CONFLICT',
  UNAVAILABLE: 'UNAVAILABLE',
  /** A batch item whose input is an earlier item's output, and that item did not succeed. */
  DEPENDENCY_FAILED: 'DEPENDENCY_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorSpec {
  readonly status: number;
  readonly retryable: boolean;
}

export const ERROR_SPECS: Readonly<Record<ErrorCode, ErrorSpec>> = {
  INVALID_REQUEST: { status: 400, retryable: false },
  INVALID_PARAMETERS: { status: 400, retryable: false },
  UNSUPPORTED_CAPABILITY: { status: 422, retryable: false },
  AUTHENTICATION_FAILED: { status: 401, retryable: false },
  QUOTA_EXCEEDED: { status: 402, retryable: false },
  RATE_LIMITED: { status: 429, retryable: true },
  CONTENT_REJECTED: { status: 422, retryable: false },
  PROVIDER_ERROR: { status: 502, retryable: false },
  PROVIDER_UNAVAILABLE: { status: 503, retryable: true },
  PROVIDER_TIMEOUT: { status: 504, retryable: true },
  // A task lives in the account of the key that submitted it: no other key can reach it.
  PROVIDER_KEY_UNAVAILABLE: { status: 503, retryable: false },
  INPUT_FETCH_FAILED: { status: 422, retryable: false },
  STORAGE_FAILED: { status: 500, retryable: true },
  TASK_TIMEOUT: { status: 504, retryable: false },
  CANCELED: { status: 409, retryable: false },
  INTERNAL_ERROR: { status: 500, retryable: true },
  NOT_FOUND: { status: 404, retryable: false },
  FORBIDDEN: { status: 403, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  CONFLICT: { status: 409, retryable: false },
  UNAVAILABLE: { status: 503, retryable: true },
  DEPENDENCY_FAILED: { status: 424, retryable: false },
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_SPECS, value);
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export interface GenflowErrorOptions {
  details?: unknown;
  cause?: unknown;
  /** Overrides the code's default (a provider may say a normally fatal error is transient). */
  retryable?: boolean;
  /** How long the caller should wait before retrying, when the provider said so. */
  retryAfterMs?: number;
  /** A failed task the provider charged for anyway (domain/charges.ts). */
  charge?: ProviderCharge;
}

export class GenflowError extends Error {
  override readonly name: string = 'GenflowError';
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly charge?: ProviderCharge;

  constructor(code: ErrorCode, message: string, options: GenflowErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable ?? ERROR_SPECS[code].retryable;
    this.retryAfterMs = options.retryAfterMs;
    if (options.charge) this.charge = options.charge;
  }

  get status(): number {
    return ERROR_SPECS[this.code].status;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** A failure reported by (or while talking to) a provider. */
export class ProviderError extends GenflowError {
  override readonly name = 'ProviderError';
}
