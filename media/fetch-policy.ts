import type { SafeFetchOptions } from './safe-fetch';

/**
 * How the process may fetch URLs it did not choose (input images, provider outputs, callbacks,
 * alert webhooks). `allowLoopback` exists for tests only. Its own file so that activities,
 * media and providers can share it without importing input preparation.
 */
export type FetchPolicy = Pick<SafeFetchOptions, 'allowLoopback' | 'resolve' | 'headersTimeoutMs' | 'idleTimeoutMs'>;
