import { AddressPolicy, checkTargetUrl } from './address-policy';

const SETTINGS = { allowPrivate: 'X_ALLOW_PRIVATE_NETWORKS', allowedCidrs: 'X_ALLOWED_CIDRS' };
const policy = (allowPrivateNetworks: boolean, allowedCidrs: string) =>
  new AddressPolicy({ allowPrivateNetworks, allowedCidrs, settings: SETTINGS });

describe('address policy', () => {
  it('refuses special-purpose addresses with a readable reason', () => {
    const strict = policy(false, '');
    expect(strict.reason('10.0.0.5')).toBe('10.0.0.5 is a private address');
    expect(strict.reason('::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1 is a loopback (ipv4Mapped) address');
    expect(strict.reason('fec0::1')).toBe('fec0::1 is a site-local address');
    expect(strict.reason('::7f00:1')).toBe('::7f00:1 is an IPv4-compatible address');
    expect(strict.reason('8.8.8.8')).toBeNull();
    expect(strict.reason('2606:4700:4700::1111')).toBeNull();
  });

  it('an allowlist of CIDRs, or allowing private networks, lifts the refusal', () => {
    const listed = policy(false, '10.0.0.0/24, 127.0.0.1, fd00::/8');
    expect(listed.refusal('10.0.0.5')).toBeNull();
    expect(listed.refusal('10.0.1.5')).toBe('private');
    expect(listed.refusal('127.0.0.1')).toBeNull();
    expect(listed.refusal('::ffff:127.0.0.1')).toBeNull();
    expect(listed.refusal('64:ff9b::7f00:1')).toBeNull();
    expect(listed.refusal('127.0.0.2')).toBe('loopback');
    expect(listed.refusal('fd12::1')).toBeNull();
    expect(listed.refusal('fc00::1')).toBe('private');
    expect(policy(true, '').refusal('127.0.0.1')).toBeNull();
    expect(() => policy(false, '10.0.0.0/99')).toThrow(/X_ALLOWED_CIDRS/);
    expect(() => policy(false, '10.0.0.0/x')).toThrow(/X_ALLOWED_CIDRS/);
    expect(() => policy(false, '127.1')).toThrow(/X_ALLOWED_CIDRS/);
  });

  it('checks a URL by scheme and by every address its host resolves to', async () => {
    const strict = policy(false, '');
    const dns = async (host: string) =>
      host === 'rebind.example' ? ['93.184.216.34', '10.0.0.1'] : ['93.184.216.34'];
    expect(await checkTargetUrl('https://hooks.example/x', strict, dns)).toBeNull();
    expect(await checkTargetUrl('http://169.254.169.254/latest', strict, dns)).toMatch(/link-local/);
    expect(await checkTargetUrl('http://127.0.0.1:8080/', strict, dns)).toMatch(/loopback/);
    expect(await checkTargetUrl('http://127.1:8080/', strict, dns)).toMatch(/loopback/);
    expect(await checkTargetUrl('http://0x7f000001/', strict, dns)).toMatch(/loopback/);
    expect(await checkTargetUrl('http://[::1]/', strict, dns)).toMatch(/loopback/);
    expect(await checkTargetUrl('http://[::ffff:10.0.0.1]/', strict, dns)).toMatch(/private/);
    expect(await checkTargetUrl('http://localhost/', strict, dns)).toMatch(/loopback/);
    expect(await checkTargetUrl('https://rebind.example/', strict, dns)).toMatch(/private/);
    expect(await checkTargetUrl('https://rebind.example/', strict, dns)).toMatch(/X_ALLOW_PRIVATE_NETWORKS/);
    expect(await checkTargetUrl('ftp://hooks.example/', strict, dns)).toMatch(/http or https/);
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await checkTargetUrl('https://nowhere.invalid/', strict, failing)).toMatch(/does not resolve/);
  });
});
