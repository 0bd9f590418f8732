import proxyaddr from 'proxy-addr';
import type { IncomingMessage } from 'node:http';

/** A parsed TRUST_PROXY value, in the forms Express' `trust proxy` setting takes. */
export type TrustProxy = boolean | number | string[];

/**
 * Parses TRUST_PROXY: `false` (default: the socket's peer is the client), `true` (trust every proxy: the
 * left-most X-Forwarded-For address is the client), a hop count (trust that many proxies in front of the
 * gateway), or a comma-separated list of trusted proxy addresses, CIDRs or the names `loopback`, `linklocal`,
 * `uniquelocal`. Throws on anything else.
 */
export function parseTrustProxy(raw: string): TrustProxy {
  const value = raw.trim();
  if (value === '' || /^(false|0|no|off)$/i.test(value)) return false;
  if (/^(true|yes|on)$/i.test(value)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  proxyaddr.compile(list); // throws a TypeError naming a bad address or CIDR
  return list;
}

/** The trust function proxy-addr (and Express) use: may the address `addr`, `i` hops away, be trusted? */
export function trustFunction(value: TrustProxy): (addr: string, i: number) => boolean {
  if (value === true) return () => true;
  if (value === false) return () => false;
  if (typeof value === 'number') return (_addr, i) => i < value;
  return proxyaddr.compile(value);
}

/** The client's address of a raw request (a Socket.IO handshake), as Express' `req.ip` computes it. */
export function clientAddress(req: IncomingMessage, trust: (addr: string, i: number) => boolean): string {
  return proxyaddr(req as Parameters<typeof proxyaddr>[0], trust);
}
