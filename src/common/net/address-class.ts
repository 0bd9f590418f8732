import * as ipaddr from 'ipaddr.js';
import * as net from 'node:net';

/**
 * Readable names of the special-purpose ranges ipaddr.js knows (its `range()` names; they follow IANA's IPv4 and
 * IPv6 special-purpose address registries). A name not listed here is shown as ipaddr.js spells it.
 */
const NAMES: Record<string, string> = {
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'site-local',
  as112: 'AS112',
  as112v6: 'AS112',
  amt: 'AMT',
  rfc6145: 'IPv4-translated',
  rfc6052: 'NAT64',
  teredo: 'Teredo',
  deprecatedOrchid: 'ORCHID',
  orchid2: 'ORCHIDv2',
  droneRemoteIdProtocolEntityTags: 'DRIP',
  segmentRouting: 'segment-routing',
  discard: 'discard-only',
};

/** The global unicast space of IPv6; everything outside it is reserved by the IETF or special. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * An IPv6 address in plain hex groups (the URL standard's serialisation). ipaddr.js reads a dotted tail such as
 * `::127.0.0.1` as IPv4-mapped, while the system's resolver and sockets read it as IPv4-compatible `::7f00:1`.
 */
function parseV6(plain: string): ipaddr.IPv6 {
  return ipaddr.IPv6.parse(new URL(`http://[${plain}]/`).hostname.slice(1, -1));
}

/**
 * The IPv4 address an IPv6 address carries, for the forms that reach that IPv4 host: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), NAT64 with the well-known prefix
 * (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::`). Null for anything else.
 */
export function embeddedIPv4(ip: string): string | null {
  const plain = ip.split('%')[0];
  if (net.isIP(plain) !== 6) return null;
  const addr = parseV6(plain);
  const p = addr.parts;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  switch (addr.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return v4(p[6], p[7]);
    case 'rfc6052':
      // 64:ff9b::/96 only; the local-use 64:ff9b:1::/48 may embed the address anywhere (and is refused whole).
      return p[2] === 0 ? v4(p[6], p[7]) : null;
    case '6to4':
      return v4(p[1], p[2]);
    default:
      return null;
  }
}

/**
 * The special-purpose category of an IP address (e.g. "loopback", "link-local", "NAT64"), or null for a public
 * unicast address. An IPv6 form that carries an IPv4 address (see `embeddedIPv4`) takes that address's verdict;
 * every other special-purpose range of both registries, the IPv4-compatible `::/96`, and IPv6 outside
 * `2000::/3` are refused. A string that is not a plain IP address is "invalid".
 */
export function classifyAddress(ip: string): string | null {
  const plain = ip.split('%')[0];
  const family = net.isIP(plain);
  if (family === 0) return 'invalid';
  const addr = family === 6 ? parseV6(plain) : ipaddr.IPv4.parse(plain);
  const range = addr.range();
  if (family === 6) {
    const inner = embeddedIPv4(plain);
    if (inner) {
      const category = classifyAddress(inner);
      return category ? `${category} (${NAMES[range] ?? range})` : null;
    }
    if (range === 'unicast') {
      if ((addr as ipaddr.IPv6).parts.slice(0, 6).every((x) => x === 0)) return 'IPv4-compatible';
      if (!addr.match(GLOBAL_UNICAST_V6)) return 'reserved';
    }
  }
  return range === 'unicast' ? null : (NAMES[range] ?? range);
}
