import { isIP } from 'node:net';
import { GenflowError } from '../domain/errors';
import { checkAddress } from './ip-policy';
import { inspectMedia } from './inspect';

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)?(?:;[\w-]+=[^;,]*)*;base64,([A-Za-z0-9+/=\s]*)$/s;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif']);

function refuse(index: number, reason: string): never {
  throw new GenflowError('INPUT_FETCH_FAILED', `inputImages[${index}]: ${reason}`, {
    details: { issues: [{ field: `inputImages.${index}`, message: reason }] },
  });
}

/**
 * The checks the API can make at once, without a network call, so an obviously bad input is
 * answered 422 immediately instead of failing the generation later: the URL's scheme, a
 * private or loopback IP literal or `localhost`, and a data URL's magic bytes. The worker's
 * prepareInputs step still does the full check (DNS, redirects, decoding).
 */
export async function precheckInputImages(inputs: readonly string[], options: { allowLoopback?: boolean } = {}): Promise<void> {
  for (const [index, input] of inputs.entries()) {
    if (input.startsWith('data:')) {
      const match = DATA_URL.exec(input);
      if (!match) refuse(index, 'a data URL must be base64-encoded (data:image/png;base64,...)');
      const head = Buffer.from((match[2] ?? '').slice(0, 8192), 'base64');
      if (head.length === 0) refuse(index, 'the data URL is empty');
      const { contentType } = await inspectMedia(head);
      if (!IMAGE_TYPES.has(contentType)) {
        refuse(index, `the data URL's bytes are ${contentType === 'application/octet-stream' ? 'not a recognised image' : contentType} (accepted: PNG, JPEG, WebP, GIF, AVIF)`);
      }
      continue;
    }
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      refuse(index, 'expected an https URL or a data: URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(index, `${url.protocol}// URLs are not fetched; use https`);
    if (url.username || url.password) refuse(index, 'URLs with embedded credentials are refused');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const verdict = checkAddress(host, options);
      if (!verdict.allowed) refuse(index, `refused: ${verdict.reason}`);
    } else if (!options.allowLoopback && (host === 'localhost' || host.endsWith('.localhost'))) {
      refuse(index, `refused: ${host} is the local machine`);
    }
  }
}
