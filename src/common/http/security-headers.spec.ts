import { securityHeaderOptions, transportOf } from './security-headers';

describe('security headers', () => {
  it('tells https, http on a loopback name and any other http apart', () => {
    expect(transportOf({ secure: true, hostname: '192.168.1.10' })).toBe('https');
    expect(transportOf({ secure: false, hostname: 'localhost' })).toBe('http-localhost');
    expect(transportOf({ secure: false, hostname: '127.0.0.1' })).toBe('http-localhost');
    expect(transportOf({ secure: false, hostname: '[::1]' })).toBe('http-localhost');
    expect(transportOf({ secure: false, hostname: '192.168.1.10' })).toBe('http');
    expect(transportOf({ secure: false, hostname: 'gateway.lan' })).toBe('http');
    expect(transportOf({ secure: false, hostname: 'localhost.example.com' })).toBe('http');
  });

  it('asks for upgraded sub-requests only over https and keeps the rest of the policy everywhere', () => {
    const directives = (t: Parameters<typeof securityHeaderOptions>[0]) =>
      (securityHeaderOptions(t).contentSecurityPolicy as { directives: Record<string, unknown> }).directives;
    expect(directives('https').upgradeInsecureRequests).toEqual([]);
    expect(directives('http').upgradeInsecureRequests).toBeNull();
    expect(directives('http-localhost').upgradeInsecureRequests).toBeNull();
    for (const t of ['https', 'http', 'http-localhost'] as const) {
      expect(directives(t).scriptSrc).toEqual(["'self'"]);
      expect(directives(t).defaultSrc).toEqual(["'self'"]);
    }
    expect(securityHeaderOptions('http').crossOriginOpenerPolicy).toBe(false);
    expect(securityHeaderOptions('https').crossOriginOpenerPolicy).toBe(true);
  });
});
