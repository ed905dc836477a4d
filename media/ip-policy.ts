import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a server-side fetch may connect to. Everything that is not the public
 * internet is refused: a URL from a user (or a provider) must never reach the machine itself,
 * the private network, or a cloud metadata endpoint (169.254.169.254).
 */
const V4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT (CGNAT) address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address (cloud metadata lives here)'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'an IETF protocol address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved or broadcast address'],
];
const V6_RANGES: Array<[string, number, string]> = [
  ['::', 128, 'an unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['100::', 64, 'a discard-only address'],
  ['2001:db8::', 32, 'a documentation address'],
  ['fc00::', 7, 'a unique-local (private) IPv6 address'],
  ['fe80::', 10, 'a link-local IPv6 address'],
  ['fec0::', 10, 'a site-local IPv6 address'],
  ['ff00::', 8, 'a multicast address'],
];

const lists = [...V4_RANGES.map((r) => ['ipv4', ...r] as const), ...V6_RANGES.map((r) => ['ipv6', ...r] as const)].map(
  ([family, net, prefix, reason]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    return { list, family, reason };
  },
);

/** The 16 bytes of an IPv6 address (handles `::` and a trailing dotted quad). */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0] ?? address;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    const [a, b, c, d] = quad[1].split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -quad[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** IPv6 forms that carry an IPv4 address a packet may end up at: mapped, compatible, NAT64, 6to4. */
function embeddedIpv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  if (b.length !== 16) return undefined;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (i: number) => b.slice(i, i + 4).join('.');
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12); // ::ffff:a.b.c.d
  if (zeros(0, 12) && !zeros(12, 14)) return v4(12); // ::a.b.c.d (deprecated IPv4-compatible)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return v4(12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2); // 2002::/16 (6to4)
  return undefined;
}

export interface AddressVerdict {
  allowed: boolean;
  reason?: string;
}

/** Whether `address` (an IP literal) is a public unicast address; `allowLoopback` is for tests only. */
export function checkAddress(address: string, options: { allowLoopback?: boolean } = {}): AddressVerdict {
  const family = isIP(address);
  if (family === 0) return { allowed: false, reason: `'${address}' is not an IP address` };
  if (family === 6) {
    const inner = embeddedIpv4(address);
    if (inner !== undefined) {
      const verdict = checkAddress(inner, options);
      return verdict.allowed ? verdict : { allowed: false, reason: `${verdict.reason} (embedded in the IPv6 address ${address})` };
    }
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, family: f, reason } of lists) {
    if (f !== type || !list.check(address, type)) continue;
    if (options.allowLoopback && reason === 'a loopback address') return { allowed: true };
    return { allowed: false, reason: `${address} is ${reason}` };
  }
  return { allowed: true };
}
