import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { AddressNotAllowed, AddressPolicy } from './address-policy';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: any, family?: number) => void;

/** Wraps dns.lookup so that every address a name resolves to is checked against the policy before connecting. */
function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, undefined);
      for (const { address } of addresses) {
        const reason = policy.reason(address);
        if (reason)
          return callback(
            new AddressNotAllowed(`connection refused by the SSRF guard: ${reason}`),
            undefined,
          );
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** A socket that fails with `error` as soon as the request attaches its listeners. */
function refusedSocket(error: Error): Duplex {
  const socket = new net.Socket();
  process.nextTick(() => socket.destroy(error));
  return socket;
}

function guardedConnection<T extends http.Agent>(
  agent: T,
  policy: AddressPolicy,
  create: (options: any, callback?: any) => Duplex,
) {
  return (options: any, callback?: (err: Error | null, socket: Duplex) => void): Duplex => {
    const host = String(options.host ?? '').replace(/^\[|\]$/g, '');
    if (net.isIP(host)) {
      const reason = policy.reason(host);
      if (reason)
        return refusedSocket(new AddressNotAllowed(`connection refused by the SSRF guard: ${reason}`));
    }
    return create.call(agent, { ...options, lookup: guardedLookup(policy) }, callback);
  };
}

/**
 * http/https agents (keep-alive) that check the address actually connected to, after DNS, against the address
 * policy: the connect-time half of the guard. An IP-literal host is checked before connecting; a name is
 * resolved by the guarded lookup, which refuses the connection if any of its addresses is refused.
 */
export function createGuardedAgents(
  policy: AddressPolicy,
  maxSockets: number,
): { http: http.Agent; https: https.Agent } {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: 60_000 };
  const httpAgent = new http.Agent(options);
  const httpsAgent = new https.Agent(options);
  const createHttp = (httpAgent as any).createConnection;
  const createHttps = (httpsAgent as any).createConnection;
  (httpAgent as any).createConnection = guardedConnection(httpAgent, policy, createHttp);
  (httpsAgent as any).createConnection = guardedConnection(httpsAgent, policy, createHttps);
  return { http: httpAgent, https: httpsAgent };
}
