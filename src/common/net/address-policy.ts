import * as ipaddr from 'ipaddr.js';
import * as dns from 'node:dns';
import * as net from 'node:net';
import { classifyAddress, embeddedIPv4 } from './address-class';

/**
 * The outbound address policy (server-side request forgery guard) shared by webhook deliveries and media
 * downloads: targets on special-purpose addresses (loopback, private, link-local, the IPv6 forms that carry such
 * an IPv4 address, and every other range of IANA's special-purpose registries, see `address-class.ts`) are
 * refused unless the operator allows private networks or lists the range. It runs when a URL is accepted
 * (`checkTargetUrl`) and when a connection is opened (`guarded-agents.ts`), so a DNS name that later resolves
 * somewhere else (DNS rebinding) is still refused.
 */
export interface AddressPolicyOptions {
  allowPrivateNetworks: boolean;
  /** Comma-separated CIDRs or single addresses allowed even though special-purpose. */
  allowedCidrs: string;
  /** The settings that set the two options above, named in error messages. */
  settings: { allowPrivate: string; allowedCidrs: string };
}

export class AddressPolicy {
  private readonly allowList: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  readonly allowPrivate: boolean;
  /** How to lift a refusal, for error messages. */
  readonly advice: string;

  constructor(options: AddressPolicyOptions) {
    this.allowPrivate = options.allowPrivateNetworks;
    const { allowPrivate, allowedCidrs } = options.settings;
    this.advice = `set ${allowPrivate}=true or list the network in ${allowedCidrs} to allow it`;
    for (const entry of options.allowedCidrs.split(',').map((s) => s.trim())) {
      if (!entry) continue;
      const [address, prefix] = entry.split('/');
      const family = net.isIP(address);
      if (!family) throw new Error(`${allowedCidrs}: "${entry}" is not an address or CIDR`);
      const max = family === 4 ? 32 : 128;
      const bits = prefix === undefined ? max : Number(prefix);
      if (!/^\d*$/.test(prefix ?? '') || !Number.isInteger(bits) || bits < 0 || bits > max) {
        throw new Error(`${allowedCidrs}: "${entry}" has a bad prefix length`);
      }
      this.allowList.push([ipaddr.parse(address), bits]);
    }
  }

  /** Whether `ip` (or the IPv4 address it carries) is inside an allowlisted range. */
  private listed(ip: string): boolean {
    const candidates = [ip, embeddedIPv4(ip)].filter((x): x is string => !!x).map((x) => ipaddr.parse(x));
    return candidates.some((addr) =>
      this.allowList.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits)),
    );
  }

  /** The category that makes `ip` refused (e.g. "link-local"), or null if it is allowed. */
  refusal(ip: string): string | null {
    if (this.allowPrivate) return null;
    const plain = ip.split('%')[0];
    const category = classifyAddress(plain);
    if (!category || (category !== 'invalid' && this.listed(plain))) return null;
    return category;
  }

  /** A readable reason, e.g. "169.254.169.254 is a link-local address", or null. */
  reason(ip: string): string | null {
    const category = this.refusal(ip);
    if (!category) return null;
    return `${ip} is ${/^[aeiouAEIO]/.test(category) ? 'an' : 'a'} ${category} address`;
  }
}

/** A connection refused by the address policy. */
export class AddressNotAllowed extends Error {
  readonly code = 'EADDRNOTALLOWED';
}

/**
 * Checks a URL when it is accepted: scheme, credentials, and every address its host resolves to. Returns the
 * reason it is refused, or null.
 */
export async function checkTargetUrl(
  rawUrl: string,
  policy: AddressPolicy,
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
    if (reason) return `url is refused: ${reason}; ${policy.advice}`;
  }
  return null;
}

async function defaultLookup(host: string): Promise<string[]> {
  const results = await dns.promises.lookup(host, { all: true, verbatim: true });
  return results.map((r) => r.address);
}
