import { classifyAddress, embeddedIPv4 } from './address-class';

describe('classifyAddress', () => {
  const refused: [string, string][] = [
    // IPv4 special-purpose registry
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.9', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['192.31.196.1', 'AS112'],
    ['192.52.193.1', 'AMT'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['192.175.48.1', 'AS112'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6 special-purpose registry and the rest of the address space
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::7f00:1', 'IPv4-compatible'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::8.8.8.8', 'IPv4-compatible'],
    ['::ffff:127.0.0.1', 'loopback (ipv4Mapped)'],
    ['::ffff:7f00:1', 'loopback (ipv4Mapped)'],
    ['::ffff:a9fe:a9fe', 'link-local (ipv4Mapped)'],
    ['::ffff:0:127.0.0.1', 'loopback (IPv4-translated)'],
    ['::ffff:0:a00:1', 'private (IPv4-translated)'],
    ['64:ff9b::10.0.0.1', 'private (NAT64)'],
    ['64:ff9b::7f00:1', 'loopback (NAT64)'],
    ['64:ff9b:1::8.8.8.8', 'NAT64'],
    ['64:ff9b:1:ffff::1', 'NAT64'],
    ['100::1', 'discard-only'],
    ['2001::1', 'Teredo'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001:2::1', 'benchmarking'],
    ['2001:3::1', 'AMT'],
    ['2001:4:112::1', 'AS112'],
    ['2001:10::1', 'ORCHID'],
    ['2001:20::1', 'ORCHIDv2'],
    ['2001:30::1', 'DRIP'],
    ['2001:db8::1', 'reserved'],
    ['2002:7f00:1::', 'loopback (6to4)'],
    ['2002:c0a8:101::1', 'private (6to4)'],
    ['2002:a9fe:a9fe::', 'link-local (6to4)'],
    ['2620:4f:8000::1', 'AS112'],
    ['3fff::1', 'reserved'],
    ['5f00::1', 'segment-routing'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['4000::1', 'reserved'],
    ['100:0:0:1::1', 'reserved'],
    // not plain addresses
    ['127.1', 'invalid'],
    ['0x7f.0.0.1', 'invalid'],
    ['localhost', 'invalid'],
  ];
  it.each(refused)('%s is %s', (ip, category) => {
    expect(classifyAddress(ip)).toBe(category);
  });

  const allowed = [
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '192.0.1.1',
    '198.20.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '::ffff:0:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ];
  it.each(allowed)('%s is public', (ip) => {
    expect(classifyAddress(ip)).toBeNull();
  });

  it('finds the IPv4 address carried by mapped, translated, NAT64 and 6to4 forms only', () => {
    expect(embeddedIPv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(embeddedIPv4('::ffff:0:a00:1')).toBe('10.0.0.1');
    expect(embeddedIPv4('64:ff9b::a00:1')).toBe('10.0.0.1');
    expect(embeddedIPv4('2002:a00:1::5')).toBe('10.0.0.1');
    expect(embeddedIPv4('64:ff9b:1::a00:1')).toBeNull();
    expect(embeddedIPv4('2001:4860:4860::8888')).toBeNull();
    expect(embeddedIPv4('10.0.0.1')).toBeNull();
  });
});
