import { randomBytes, randomInt } from 'node:crypto';
import { Curve, getBinaryNodeChild, proto, type BinaryNode } from '@whiskeysockets/baileys';
import type { ClientConnection } from './connection';
import { lidJid, pnJid, unixNow, type SandboxContext } from './context';
import type { HandshakeResult } from './noise';
import type { Account } from './sandbox-store';
import { SignalParty } from './signal-party';
import {
  buildPairSuccess,
  PairingCodeExchange,
  PairingError,
  parseQr,
  verifyPairDeviceSign,
} from './simulated-phone';

export interface LinkResult {
  phone: string;
  lid: string;
  deviceJid: string;
}

/** A fresh client waiting to be linked: its Noise key and the Signal keys it registered with. */
interface PendingRegistration {
  conn: ClientConnection;
  noisePub: Buffer;
  data: proto.ClientPayload.IDevicePairingRegistrationData;
  refs: string[];
  linking: boolean;
  codeRequest?: { phone: string; wrapped: Buffer; ref: string };
  onFinish?: (bundle: Buffer) => void;
}

const CODE_HELLO_WAIT_MS = 10_000;
const child = (node: BinaryNode | undefined, tag: string): Buffer | undefined => {
  const c = getBinaryNodeChild(node, tag);
  return c?.content instanceof Uint8Array ? Buffer.from(c.content) : undefined;
};

/** Registration connections, QR scanning and pairing-code entry: the phone side of linking a device. */
export class Pairing {
  private readonly byRef = new Map<string, PendingRegistration>();
  private readonly byConn = new Map<number, PendingRegistration>();
  private readonly helloWaiters = new Set<() => void>();

  constructor(private readonly ctx: SandboxContext) {}

  /** A fresh client: hand out the refs Baileys turns into rotating QR codes (WA-PROTOCOL.md section 6). */
  startRegistration(conn: ClientConnection, result: HandshakeResult): void {
    const data = result.payload.devicePairingData!;
    const refs = Array.from(
      { length: this.ctx.options.qrRefs },
      () => `2@${randomBytes(24).toString('base64')}`,
    );
    const reg: PendingRegistration = { conn, noisePub: result.clientStatic, data, refs, linking: false };
    for (const ref of refs) this.byRef.set(ref, reg);
    this.byConn.set(conn.id, reg);
    conn.context.role = 'registration';
    // Never awaited: the reply arrives through the same receive loop (pitfall 1).
    void conn.query({
      tag: 'iq',
      attrs: { from: 's.whatsapp.net', type: 'set', xmlns: 'md' },
      content: [
        {
          tag: 'pair-device',
          attrs: {},
          content: refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })),
        },
      ],
    });
  }

  onClose(conn: ClientConnection): void {
    const reg = this.byConn.get(conn.id);
    if (!reg) return;
    this.byConn.delete(conn.id);
    for (const ref of reg.refs) this.byRef.delete(ref);
  }

  /** Nodes on a registration connection: the pairing-code iqs, everything else gets an empty result. */
  onNode(conn: ClientConnection, node: BinaryNode): void {
    const reg = this.byConn.get(conn.id);
    if (node.tag !== 'iq' || node.attrs.type === 'result') return;
    const reply = (content?: BinaryNode[]) =>
      conn.sendNode({
        tag: 'iq',
        attrs: { from: 's.whatsapp.net', type: 'result', id: node.attrs.id },
        content,
      });
    const link = getBinaryNodeChild(node, 'link_code_companion_reg');
    if (!reg || !link) return reply();
    if (link.attrs.stage === 'companion_hello') {
      const wrapped = child(link, 'link_code_pairing_wrapped_companion_ephemeral_pub');
      const phone = link.attrs.jid?.split('@')[0]?.split(':')[0];
      if (!wrapped || !phone) return reply();
      const ref = reg.refs[0];
      reg.codeRequest = { phone, wrapped, ref };
      for (const wake of this.helloWaiters) wake();
      return reply([
        {
          tag: 'link_code_companion_reg',
          attrs: {},
          content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(ref) }],
        },
      ]);
    }
    if (link.attrs.stage === 'companion_finish') {
      reply();
      const bundle = child(link, 'link_code_pairing_wrapped_key_bundle');
      if (bundle) reg.onFinish?.(bundle);
      return;
    }
    reply();
  }

  /** "The phone scans the QR": validates it against the pending registration and links the device. */
  async scanQr(qr: string, opts: { phone?: string; pushName?: string } = {}): Promise<LinkResult> {
    const parsed = parseQr(qr);
    const reg = this.byRef.get(parsed.ref);
    if (!reg || reg.linking || !reg.conn.isOpen) throw new PairingError('QR ref is unknown or expired');
    if (!parsed.noisePub.equals(reg.noisePub))
      throw new PairingError('QR noise key does not match the connection');
    if (!parsed.identityPub.equals(Buffer.from(reg.data.eIdent ?? []))) {
      throw new PairingError('QR identity key does not match the registration');
    }
    const account = this.account(opts.phone, opts.pushName);
    return this.link(reg, account, parsed.identityPub, parsed.advSecret);
  }

  /** "The user types the pairing code on the phone" for a client that called requestPairingCode(phone). */
  async enterPairingCode(phone: string, code: string, opts: { pushName?: string } = {}): Promise<LinkResult> {
    const reg = await this.waitForCodeRequest(phone);
    const account = this.account(phone, opts.pushName);
    const exchange = new PairingCodeExchange(code.replace(/-/g, '').toUpperCase(), {
      public: account.accountKey.public,
      private: account.accountKey.private,
    });
    await exchange.unwrapCompanionEphemeral(reg.codeRequest!.wrapped);
    const wrappedPrimary = await exchange.wrapPrimaryEphemeral();
    const bundle = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PairingError('companion did not finish pairing')), 30_000);
      timer.unref();
      reg.onFinish = (b) => {
        clearTimeout(timer);
        resolve(b);
      };
      reg.conn.sendNode({
        tag: 'notification',
        attrs: {
          from: 's.whatsapp.net',
          type: 'link_code_companion_reg',
          id: reg.conn.nextId(),
          t: unixNow(),
        },
        content: [
          {
            tag: 'link_code_companion_reg',
            attrs: { stage: 'primary_hello' },
            content: [
              { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(reg.codeRequest!.ref) },
              { tag: 'primary_identity_pub', attrs: {}, content: account.accountKey.public },
              { tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: wrappedPrimary },
            ],
          },
        ],
      });
    });
    const { companionIdentity, advSecret } = exchange.openKeyBundle(bundle);
    if (!companionIdentity.equals(Buffer.from(reg.data.eIdent ?? []))) {
      throw new PairingError('companion identity does not match the registration');
    }
    return this.link(reg, account, companionIdentity, advSecret);
  }

  private async waitForCodeRequest(phone: string): Promise<PendingRegistration> {
    const find = () =>
      [...this.byConn.values()].find((r) => r.codeRequest?.phone === phone && !r.linking && r.conn.isOpen);
    const deadline = Date.now() + CODE_HELLO_WAIT_MS;
    for (let reg = find(); ; reg = find()) {
      if (reg) return reg;
      if (Date.now() > deadline) throw new PairingError(`no pairing-code request for ${phone}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.helloWaiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(1, deadline - Date.now()));
        this.helloWaiters.add(wake);
      });
    }
  }

  /** The existing account for that phone, or a new simulated one with a unique number. */
  private account(phone: string | undefined, pushName?: string): Account {
    const existing = phone ? this.ctx.store.accounts.get(phone) : undefined;
    if (existing) return existing;
    const seq = this.ctx.store.nextSequence();
    const number = phone ?? `62800000${String(seq).padStart(5, '0')}`;
    const kp = Curve.generateKeyPair();
    const account: Account = {
      phone: number,
      lid: `1${String(seq).padStart(14, '0')}`,
      pushName: pushName ?? `Sandbox ${number.slice(-4)}`,
      accountKey: { public: Buffer.from(kp.public), private: Buffer.from(kp.private) },
      advRawId: randomInt(1, 0x7fffffff),
      keyIndexCounter: 0,
      nextDeviceId: 2,
      phoneSignal: SignalParty.create(),
      companions: new Map(),
    };
    this.ctx.store.accounts.set(number, account);
    this.ctx.store.markDirty();
    return account;
  }

  /** pair-success → verified pair-device-sign → companion stored → 515 (WA-PROTOCOL.md 7.1–7.3). */
  private async link(
    reg: PendingRegistration,
    account: Account,
    identity: Buffer,
    advSecret: Buffer,
  ): Promise<LinkResult> {
    reg.linking = true;
    const deviceId = account.nextDeviceId;
    const keyIndex = account.keyIndexCounter + 1;
    const deviceJid = pnJid(account.phone, deviceId);
    const { node, deviceDetails } = buildPairSuccess({
      accountKey: account.accountKey,
      advRawId: account.advRawId,
      keyIndex,
      companionIdentity: identity,
      advSecret,
      deviceJid,
      deviceLid: lidJid(account.lid, deviceId),
      businessName: account.pushName,
    });
    const reply = await reg.conn.query({
      tag: 'iq',
      attrs: { from: 's.whatsapp.net', type: 'set', xmlns: 'md' },
      content: [node],
    });
    if (!verifyPairDeviceSign(reply, deviceDetails, identity, account.accountKey.public)) {
      reg.linking = false;
      reg.conn.close('pair-device-sign missing or invalid');
      throw new PairingError(`companion did not sign the device identity (${reply.tag})`);
    }
    const data = reg.data;
    account.nextDeviceId = deviceId + 1;
    account.keyIndexCounter = keyIndex;
    account.companions.set(deviceId, {
      deviceId,
      noisePub: reg.noisePub,
      registrationId: Buffer.from(data.eRegid ?? []).readUIntBE(0, 4),
      identityPub: identity,
      signedPreKey: {
        id: Buffer.from(data.eSkeyId ?? []).readUIntBE(0, 3),
        pub: Buffer.from(data.eSkeyVal ?? []),
        sig: Buffer.from(data.eSkeySig ?? []),
      },
      oneTimePreKeys: {},
      keyIndex,
      bootstrapped: false,
      queue: [],
      linkedAt: Date.now(),
    });
    this.ctx.store.markDirty();
    const result = { phone: account.phone, lid: account.lid, deviceJid };
    this.ctx.events.emit('paired', result);
    reg.conn.streamError('515');
    return result;
  }
}
