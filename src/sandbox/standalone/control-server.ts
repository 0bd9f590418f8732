import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContactPresence } from '../contact-activity';
import type { RecordedMessage } from '../message-record';
import type { ContactChange, WhatsAppSandbox } from '../whatsapp-sandbox';

const MAX_BODY_BYTES = 1024 * 1024;
const CONTACT_PRESENCES: ContactPresence[] = ['typing', 'recording', 'paused', 'available', 'unavailable'];

/** A request the control API refuses: answered as `{error, details}` with a 4xx status. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly details: string,
  ) {
    super(error);
  }
}

type Body = Record<string, unknown>;

function str(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || !value.length || value.length > 4096)
    throw new ControlError(400, 'Invalid request', `"${name}" must be a non-empty string`);
  return value;
}

/** The one change a /contact-change body names (edit, revoke, react or vote). */
function contactChange(body: Body): ContactChange {
  const obj = (name: string): Body | undefined => {
    const v = body[name];
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : undefined;
  };
  const [edit, revoke, react, vote] = [obj('edit'), obj('revoke'), obj('react'), obj('vote')];
  if (edit) return { edit: { id: str(edit, 'id'), text: str(edit, 'text') } };
  if (revoke) return { revoke: { id: str(revoke, 'id') } };
  if (react && typeof react.emoji === 'string')
    return { react: { id: str(react, 'id'), emoji: react.emoji } };
  const options = vote?.options;
  if (vote && Array.isArray(options) && options.every((o) => typeof o === 'string'))
    return { vote: { pollId: str(vote, 'pollId'), options: options as string[] } };
  throw new ControlError(
    400,
    'Invalid request',
    'give one of edit {id, text}, revoke {id}, react {id, emoji} or vote {pollId, options}',
  );
}

function optStr(body: Body, name: string): string | undefined {
  return body[name] === undefined ? undefined : str(body, name);
}

function int(body: Body, name: string, min: number, max: number, fallback?: number): number {
  const value = body[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new ControlError(400, 'Invalid request', `"${name}" must be an integer from ${min} to ${max}`);
  return value;
}

function readBody(req: http.IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES)
        reject(new ControlError(413, 'Body too large', `limit ${MAX_BODY_BYTES} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        const parsed: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        resolve(parsed as Body);
      } catch {
        reject(new ControlError(400, 'Invalid JSON', 'the body must be a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

/** What GET /received and POST /wait answer: the contact's records, oldest first, with a summary. */
export interface ReceivedView {
  count: number;
  firstAt: number | null;
  lastAt: number | null;
  messages: RecordedMessage[];
}

/**
 * The sandbox's control API over HTTP (JSON in, JSON out), for a sandbox running in its own process. Answers
 * only once the state it reports or changed is in the state file, so a test that saw something can kill the
 * process and find it again after a restart. Routes:
 *   GET  /accounts                               -> {accounts: AccountInfo[]}
 *   GET  /connections                            -> ConnectionsView: per linked device its logged-in connections
 *                                                   {openedAt, closedAt, reason}, and overlaps {deviceJid, at}
 *                                                   (a login while the device's previous connection was open)
 *   GET  /device-queue?account=                  -> {devices: DeviceQueueView[]} (what each device has not acked)
 *   GET  /received?contact=                      -> ReceivedView
 *   GET  /contact?contact=                       -> ContactRecord (receipts for its messages, chat states sent
 *                                                   to it, its presence)
 *   POST /wait {contact, count, timeoutMs?}      -> ReceivedView once the contact has `count` records (or at the
 *                                                   deadline, with fewer)
 *   POST /scan {qr, phone?, pushName?}           -> {phone, lid, deviceJid}
 *   POST /contact-send {from, to, text, id?, pushName?, addressing?: 'lid', senderPn?}  -> {id}
 *   POST /contact-send-many {from, to, n, prefix}        -> {ids, ms}: texts "<prefix> <i>", one after another
 *   POST /contact-change {from, to, edit|revoke|react|vote}  -> {id}: the contact edits or deletes a message
 *                                                   it sent ({id, text} / {id}), reacts ({id, emoji}) or votes in
 *                                                   a poll it received ({pollId, options}); see ContactChange
 *   POST /phone-send {account, to, text}         -> {id}
 *   POST /contact-presence {contact, account, state}  -> {delivered}: typing | recording | paused | available |
 *                                                   unavailable, to the account's subscribed connections
 *   POST /receipt {contact, ids, type}           -> {} (manual receipts, with receipts off)
 *   POST /disconnect {account, how?}             -> {} ('drop' | 'stream-error')
 *   POST /withhold-acks {account, withhold}      -> {} (acks and receipts from the account's devices ignored)
 *   POST /drop-messages {account, drop}          -> {dropped} (the account's message stanzas lost unread while on;
 *                                                   how many were so far)
 *   POST /set-registered {phone, registered}     -> {}
 *   POST /refuse-media {id, status}              -> {stored} (the media host answers 404/410 for that message's
 *                                                   file; status null serves it again)
 */
export class ControlServer {
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(sandbox: WhatsAppSandbox, host = '127.0.0.1', port = 0): Promise<ControlServer> {
    const server = http.createServer((req, res) => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      route(sandbox, req)
        .then((body) => reply(200, body))
        .catch((err: Error) => {
          if (err instanceof ControlError)
            return reply(err.status, { error: err.error, details: err.details });
          // The sandbox refuses unknown accounts, bad QR strings and the like with an Error: the caller's fault.
          reply(422, { error: 'Sandbox refused the request', details: err.message });
        });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return new ControlServer(server, `http://${host}:${address.port}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function receivedView(sandbox: WhatsAppSandbox, contact: string): Promise<ReceivedView> {
  const messages = sandbox.received(contact);
  await sandbox.persisted();
  return {
    count: messages.length,
    firstAt: messages[0]?.at ?? null,
    lastAt: messages[messages.length - 1]?.at ?? null,
    messages,
  };
}

async function route(sandbox: WhatsAppSandbox, req: http.IncomingMessage): Promise<unknown> {
  const url = new URL(req.url ?? '/', 'http://control');
  const key = `${req.method} ${url.pathname}`;
  const query = Object.fromEntries(url.searchParams) as Body;
  if (key === 'GET /accounts') return { accounts: sandbox.accounts() };
  if (key === 'GET /connections') return sandbox.connections();
  if (key === 'GET /device-queue') {
    const devices = sandbox.deviceQueue(str(query, 'account'));
    await sandbox.persisted();
    return { devices };
  }
  if (key === 'GET /received') return receivedView(sandbox, str(query, 'contact'));
  if (key === 'GET /contact') {
    const record = sandbox.contactRecord(str(query, 'contact'));
    await sandbox.persisted();
    return record;
  }
  if (req.method !== 'POST') throw new ControlError(404, 'Not found', `no route ${key}`);
  const body = await readBody(req);
  switch (url.pathname) {
    case '/wait': {
      const contact = str(body, 'contact');
      const count = int(body, 'count', 0, 1_000_000);
      await sandbox.waitForCount(contact, count, int(body, 'timeoutMs', 0, 600_000, 120_000));
      return receivedView(sandbox, contact);
    }
    case '/scan': {
      const linked = await sandbox.scanQr(str(body, 'qr'), {
        phone: optStr(body, 'phone'),
        pushName: optStr(body, 'pushName'),
      });
      await sandbox.persisted();
      return linked;
    }
    case '/contact-send': {
      const addressing = optStr(body, 'addressing');
      if (addressing !== undefined && addressing !== 'pn' && addressing !== 'lid')
        throw new ControlError(400, 'Invalid request', '"addressing" must be "pn" or "lid"');
      if (body.senderPn !== undefined && typeof body.senderPn !== 'boolean')
        throw new ControlError(400, 'Invalid request', '"senderPn" must be a boolean');
      const sent = await sandbox.contactSend(
        str(body, 'from'),
        str(body, 'to'),
        { text: str(body, 'text') },
        {
          id: optStr(body, 'id'),
          pushName: optStr(body, 'pushName'),
          addressing,
          senderPn: body.senderPn === true,
        },
      );
      await sandbox.persisted();
      return sent;
    }
    case '/contact-send-many': {
      const [from, to, prefix] = [str(body, 'from'), str(body, 'to'), str(body, 'prefix')];
      const n = int(body, 'n', 1, 100_000);
      const t0 = performance.now();
      const ids: string[] = [];
      for (let i = 0; i < n; i++)
        ids.push((await sandbox.contactSend(from, to, { text: `${prefix} ${i}` })).id);
      await sandbox.persisted();
      return { ids, ms: performance.now() - t0 };
    }
    case '/contact-change': {
      const sent = await sandbox
        .contactChange(str(body, 'from'), str(body, 'to'), contactChange(body))
        .catch((err: Error) => {
          throw new ControlError(400, 'Change refused', err.message);
        });
      await sandbox.persisted();
      return sent;
    }
    case '/phone-send': {
      const sent = await sandbox.phoneSend(str(body, 'account'), str(body, 'to'), str(body, 'text'));
      await sandbox.persisted();
      return sent;
    }
    case '/refuse-media': {
      const status = body.status ?? null;
      if (status !== null && status !== 404 && status !== 410)
        throw new ControlError(400, 'Invalid request', '"status" must be 404, 410 or null');
      return { stored: sandbox.refuseMedia(str(body, 'id'), status) };
    }
    case '/contact-presence': {
      const state = body.state;
      if (!CONTACT_PRESENCES.includes(state as ContactPresence))
        throw new ControlError(
          400,
          'Invalid request',
          `"state" must be one of ${CONTACT_PRESENCES.join(', ')}`,
        );
      const result = sandbox.contactPresence(
        str(body, 'contact'),
        str(body, 'account'),
        state as ContactPresence,
      );
      await sandbox.persisted();
      return result;
    }
    case '/receipt': {
      const ids = body.ids;
      if (!Array.isArray(ids) || !ids.length || ids.some((id) => typeof id !== 'string'))
        throw new ControlError(400, 'Invalid request', '"ids" must be a non-empty array of strings');
      if (body.type !== 'delivered' && body.type !== 'read')
        throw new ControlError(400, 'Invalid request', '"type" must be "delivered" or "read"');
      await sandbox.sendReceipt(str(body, 'contact'), ids as string[], body.type);
      await sandbox.persisted();
      return {};
    }
    case '/disconnect': {
      const how = body.how ?? 'drop';
      if (how !== 'drop' && how !== 'stream-error')
        throw new ControlError(400, 'Invalid request', '"how" must be "drop" or "stream-error"');
      sandbox.disconnect(str(body, 'account'), how);
      return {};
    }
    case '/withhold-acks':
      if (typeof body.withhold !== 'boolean')
        throw new ControlError(400, 'Invalid request', '"withhold" must be a boolean');
      sandbox.withholdAcks(str(body, 'account'), body.withhold);
      return {};
    case '/drop-messages':
      if (typeof body.drop !== 'boolean')
        throw new ControlError(400, 'Invalid request', '"drop" must be a boolean');
      sandbox.dropMessages(str(body, 'account'), body.drop);
      return { dropped: sandbox.droppedMessages(str(body, 'account')) };
    case '/set-registered':
      if (typeof body.registered !== 'boolean')
        throw new ControlError(400, 'Invalid request', '"registered" must be a boolean');
      sandbox.setRegistered(str(body, 'phone'), body.registered);
      await sandbox.persisted();
      return {};
    default:
      throw new ControlError(404, 'Not found', `no route ${key}`);
  }
}
