import { checkWebhookUrl, classifyAddress, SsrfPolicy } from './ssrf-guard';

describe('ssrf guard', () => {
  it('classifies non-public addresses, including IPv6 forms that hide an IPv4 address', () => {
    expect(classifyAddress('127.0.0.1')).toBe('loopback');
    expect(classifyAddress('::1')).toBe('loopback');
    expect(classifyAddress('169.254.169.254')).toBe('link-local');
    expect(classifyAddress('fe80::1')).toBe('link-local');
    expect(classifyAddress('10.1.2.3')).toBe('private');
    expect(classifyAddress('172.31.255.255')).toBe('private');
    expect(classifyAddress('192.168.1.1')).toBe('private');
    expect(classifyAddress('fd12:3456::1')).toBe('private');
    expect(classifyAddress('100.64.0.1')).toBe('carrier-grade NAT');
    expect(classifyAddress('0.0.0.0')).toBe('unspecified');
    expect(classifyAddress('::')).toBe('unspecified');
    expect(classifyAddress('224.0.0.1')).toBe('multicast');
    expect(classifyAddress('::ffff:127.0.0.1')).toBe('loopback');
    expect(classifyAddress('::ffff:a9fe:a9fe')).toBe('link-local');
    expect(classifyAddress('64:ff9b::10.0.0.1')).toBe('private');
    expect(classifyAddress('2002:7f00:1::')).toBe('loopback');
  });

  it('lets public unicast addresses through', () => {
    expect(classifyAddress('8.8.8.8')).toBeNull();
    expect(classifyAddress('172.32.0.1')).toBeNull();
    expect(classifyAddress('2606:4700:4700::1111')).toBeNull();
    expect(classifyAddress('::ffff:8.8.8.8')).toBeNull();
  });

  it('an allowlist of CIDRs or WEBHOOK_ALLOW_PRIVATE_NETWORKS lifts the refusal', () => {
    const strict = new SsrfPolicy({ allowPrivateNetworks: false, allowedCidrs: '' });
    expect(strict.reason('10.0.0.5')).toBe('10.0.0.5 is a private address');
    const listed = new SsrfPolicy({ allowPrivateNetworks: false, allowedCidrs: '10.0.0.0/24, 127.0.0.1' });
    expect(listed.refusal('10.0.0.5')).toBeNull();
    expect(listed.refusal('10.0.1.5')).toBe('private');
    expect(listed.refusal('127.0.0.1')).toBeNull();
    expect(listed.refusal('::ffff:127.0.0.1')).toBeNull();
    expect(listed.refusal('127.0.0.2')).toBe('loopback');
    expect(new SsrfPolicy({ allowPrivateNetworks: true, allowedCidrs: '' }).refusal('127.0.0.1')).toBeNull();
    expect(() => new SsrfPolicy({ allowPrivateNetworks: false, allowedCidrs: '10.0.0.0/99' })).toThrow();
  });

  it('checks a URL by scheme and by every address its host resolves to', async () => {
    const strict = new SsrfPolicy({ allowPrivateNetworks: false, allowedCidrs: '' });
    const dns = async (host: string) =>
      host === 'rebind.example' ? ['93.184.216.34', '10.0.0.1'] : ['93.184.216.34'];
    expect(await checkWebhookUrl('https://hooks.example/x', strict, dns)).toBeNull();
    expect(await checkWebhookUrl('http://169.254.169.254/latest', strict, dns)).toMatch(/link-local/);
    expect(await checkWebhookUrl('http://127.0.0.1:8080/', strict, dns)).toMatch(/loopback/);
    expect(await checkWebhookUrl('http://[::1]/', strict, dns)).toMatch(/loopback/);
    expect(await checkWebhookUrl('http://localhost/', strict, dns)).toMatch(/loopback/);
    expect(await checkWebhookUrl('https://rebind.example/', strict, dns)).toMatch(/private/);
    expect(await checkWebhookUrl('ftp://hooks.example/', strict, dns)).toMatch(/http or https/);
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await checkWebhookUrl('https://nowhere.invalid/', strict, failing)).toMatch(/does not resolve/);
  });
});
