import type { IncomingMessage } from 'node:http';
import { clientAddress, parseTrustProxy, trustFunction } from './trust-proxy';

function request(peer: string, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  const socket = { remoteAddress: peer };
  return { headers, socket, connection: socket } as unknown as IncomingMessage;
}

describe('TRUST_PROXY', () => {
  it('parses false, true, hop counts and lists of addresses, CIDRs and names', () => {
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('loopback, 10.0.0.0/8 ,192.168.1.7')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.168.1.7',
    ]);
  });

  it('refuses values that are neither', () => {
    expect(() => parseTrustProxy('maybe')).toThrow();
    expect(() => parseTrustProxy('10.0.0.0/99')).toThrow();
  });

  it('takes the client from X-Forwarded-For only through trusted proxies', () => {
    const req = request('127.0.0.1', '203.0.113.9, 10.1.2.3');
    expect(clientAddress(req, trustFunction(false))).toBe('127.0.0.1');
    expect(clientAddress(req, trustFunction(true))).toBe('203.0.113.9');
    expect(clientAddress(req, trustFunction(1))).toBe('10.1.2.3');
    expect(clientAddress(req, trustFunction(['loopback']))).toBe('10.1.2.3');
    expect(clientAddress(req, trustFunction(['loopback', '10.0.0.0/8']))).toBe('203.0.113.9');
    expect(clientAddress(request('198.51.100.1', '203.0.113.9'), trustFunction(['loopback']))).toBe(
      '198.51.100.1',
    );
  });
});
