import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { GenflowError } from '../domain/errors';
import { checkAddress } from './ip-policy';

function refuse(field: string, reason: string): never {
  throw new GenflowError('INVALID_REQUEST', `${field}: ${reason}`, { details: { issues: [{ field, message: reason }] } });
}

/**
 * Refuses at submit a client callback URL that points inside the network: a private or loopback
 * IP literal, `localhost`, or a name that resolves to such an address now. Delivery checks again
 * (media/safe-fetch.ts pins the vetted address), since DNS may change in between.
 */
export async function checkWebhookUrl(value: string, options: { allowLoopback?: boolean; field?: string } = {}): Promise<void> {
  const field = options.field ?? 'webhookUrl';
  const url = new URL(value);
  if (url.username || url.password) refuse(field, 'URLs with embedded credentials are refused');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else if (host === 'localhost' || host.endsWith('.localhost')) addresses = ['127.0.0.1'];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      refuse(field, `${host} does not resolve`);
    }
  }
  for (const address of addresses) {
    const verdict = checkAddress(address, { allowLoopback: options.allowLoopback === true });
    if (!verdict.allowed) refuse(field, `refused: ${verdict.reason}`);
  }
}
