import * as dns from 'node:dns';
import * as net from 'node:net';

/**
 * Server-side request forgery guard: webhook targets on private, loopback, link-local and other non-public
 * addresses are refused unless the operator allows them (WEBHOOK_ALLOW_PRIVATE_NETWORKS, WEBHOOK_ALLOWED_CIDRS).
 * The same policy runs when an endpoint is saved (`checkWebhookUrl`) and when a connection is opened
 * (`safe-agent.ts`), so a DNS name that later resolves somewhere else (DNS rebinding) is still refused.
 */

export type Category =
  'unspecified' | 'loopback' | 'private' | 'link-local' | 'carrier-grade NAT' | 'multicast' | 'reserved';

const V4_RANGES: [string, number, Category][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['169.254.0.0', 16, 'link-local'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['224.0.0.0', 4, 'multicast'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['240.0.0.0', 4, 'reserved'],
];
const V6_RANGES: [string, number, Category][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
  ['100::', 64, 'reserved'],
  ['2001::', 23, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
];

const LISTS = new Map<Category, net.BlockList>();
for (const [address, prefix, category] of V4_RANGES) {
  if (!LISTS.has(category)) LISTS.set(category, new net.BlockList());
  LISTS.get(category)!.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix, category] of V6_RANGES) {
  if (!LISTS.has(category)) LISTS.set(category, new net.BlockList());
  LISTS.get(category)!.addSubnet(address, prefix, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (accepts an embedded dotted IPv4 tail). */
function hextets(ip: string): number[] {
  let s = ip.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    s = s.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((x) => parseInt(x, 16));
}

function v4FromGroups(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** The IPv4 address hidden in an IPv4-mapped, NAT64 or 6to4 IPv6 address, if any. */
function embeddedV4(ip: string): string | undefined {
  const g = hextets(ip);
  if (g.length !== 8) return undefined;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4FromGroups(g[6], g[7]); // ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4FromGroups(g[6], g[7]); // 64:ff9b::/96
  if (g[0] === 0x2002) return v4FromGroups(g[1], g[2]); // 6to4
  return undefined;
}

/** The non-public category of an IP address, or null for a public unicast address. */
export function classifyAddress(ip: string): Category | null {
  const family = net.isIP(ip);
  if (family === 0) return 'reserved';
  if (family === 6) {
    const v4 = embeddedV4(ip);
    if (v4) return classifyAddress(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [category, list] of LISTS) if (list.check(ip.split('%')[0], type)) return category;
  return null;
}

export interface SsrfPolicyOptions {
  allowPrivateNetworks: boolean;
  /** Comma-separated CIDRs or single addresses allowed even though non-public. */
  allowedCidrs: string;
}

export class SsrfPolicy {
  private readonly allowList = new net.BlockList();
  readonly allowPrivate: boolean;

  constructor(options: SsrfPolicyOptions) {
    this.allowPrivate = options.allowPrivateNetworks;
    for (const entry of options.allowedCidrs.split(',').map((s) => s.trim())) {
      if (!entry) continue;
      const [address, prefix] = entry.split('/');
      const family = net.isIP(address);
      if (!family) throw new Error(`WEBHOOK_ALLOWED_CIDRS: "${entry}" is not an address or CIDR`);
      const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
        throw new Error(`WEBHOOK_ALLOWED_CIDRS: "${entry}" has a bad prefix length`);
      }
      this.allowList.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** The category that makes `ip` refused (e.g. "link-local"), or null if it is allowed. */
  refusal(ip: string): Category | null {
    if (this.allowPrivate) return null;
    const category = classifyAddress(ip);
    if (!category) return null;
    const plain = ip.split('%')[0];
    const family = net.isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    if (this.allowList.check(plain, family)) return null;
    const v4 = family === 'ipv6' ? embeddedV4(plain) : undefined;
    if (v4 && this.allowList.check(v4, 'ipv4')) return null;
    return category;
  }

  /** A readable reason, e.g. "169.254.169.254 is a link-local address", or null. */
  reason(ip: string): string | null {
    const category = this.refusal(ip);
    return category ? `${ip} is ${category === 'unspecified' ? 'an' : 'a'} ${category} address` : null;
  }
}

export class UnsafeTargetError extends Error {
  readonly code = 'EWEBHOOKTARGET';
}

const ADVICE =
  'set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true or list the network in WEBHOOK_ALLOWED_CIDRS to allow it';

/**
 * Checks a webhook URL when it is saved: scheme, and every address its host resolves to. Returns the reason it
 * is refused, or null.
 */
export async function checkWebhookUrl(
  rawUrl: string,
  policy: SsrfPolicy,
  lookup: (host: string) => Promise<string[]> = defaultLookup,
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return 'url is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must use http or https';
  if (url.username || url.password) return 'url must not contain credentials (use headers instead)';
  if (policy.allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else if (host === 'localhost' || host.endsWith('.localhost')) addresses = ['127.0.0.1'];
  else {
    try {
      addresses = await lookup(host);
    } catch {
      return `url host "${host}" does not resolve`;
    }
  }
  for (const address of addresses) {
    const reason = policy.reason(address);
    if (reason) return `url is refused: ${reason}; ${ADVICE}`;
  }
  return null;
}

async function defaultLookup(host: string): Promise<string[]> {
  const results = await dns.promises.lookup(host, { all: true, verbatim: true });
  return results.map((r) => r.address);
}
