import { createHash } from 'node:crypto';
import { getBinaryNodeChild, jidDecode, type BinaryNode } from '@whiskeysockets/baileys';
import type { ClientConnection } from './connection';
import type { ContactProfiles } from './contact-profile';
import { lidJid, pnJid, unixNow, type SandboxContext } from './context';
import { answerGroupIq } from './group-iq';
import { GroupError, type Groups } from './groups';
import { isAccount, resolveUser } from './outbound';
import type { Account, CompanionDevice } from './sandbox-store';
import { buildKeyIndexList } from './simulated-phone';

const children = (node: BinaryNode | undefined): BinaryNode[] =>
  Array.isArray(node?.content) ? node.content : [];

const bytes = (node: BinaryNode | undefined): Buffer | undefined =>
  node?.content instanceof Uint8Array ? Buffer.from(node.content) : undefined;

const be = (n: number, size: number): Buffer => {
  const out = Buffer.alloc(size);
  out.writeUIntBE(n, 0, size);
  return out;
};

export interface IqCallbacks {
  /** `passive`/`active` answered: the offline backlog and history bootstrap may go out. */
  onActive(conn: ClientConnection): Promise<void>;
  /** `remove-companion-device`: the client logged out. */
  onLogout(conn: ClientConnection, jid: string): void;
}

/** Answers a logged-in companion's iqs (WA-PROTOCOL.md section 11). */
export class IqHandlers {
  private readonly keyIndexCache = new WeakMap<Account, { key: string; list: Buffer }>();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly profiles: ContactProfiles,
    private readonly callbacks: IqCallbacks,
    private readonly groups?: Groups,
  ) {}

  async handle(
    conn: ClientConnection,
    iq: BinaryNode,
    account: Account,
    companion: CompanionDevice,
  ): Promise<void> {
    const { id, xmlns, type } = iq.attrs;
    const [child] = children(iq);
    const result = (content?: BinaryNode[]): void =>
      conn.sendNode({ tag: 'iq', attrs: { from: 's.whatsapp.net', type: 'result', id }, content });
    const error = (code: number, text: string): void =>
      conn.sendNode({
        tag: 'iq',
        attrs: { from: iq.attrs.to ?? 's.whatsapp.net', type: 'error', id },
        content: [{ tag: 'error', attrs: { code: String(code), text } }],
      });
    if (xmlns === 'w:g2' && this.groups) {
      try {
        return result(answerGroupIq(this.groups, account, iq));
      } catch (err) {
        if (err instanceof GroupError) return error(err.code, err.text);
        throw err;
      }
    }
    // Groups have no picture in the sandbox: WhatsApp answers item-not-found for a chat without one.
    if (xmlns === 'w:profile:picture' && iq.attrs.target?.endsWith('@g.us'))
      return error(404, 'item-not-found');

    switch (`${xmlns}/${child?.tag}`) {
      case 'encrypt/count':
        return result([
          { tag: 'count', attrs: { value: String(Object.keys(companion.oneTimePreKeys).length) } },
        ]);
      case 'encrypt/registration':
      case 'encrypt/identity':
      case 'encrypt/list':
        this.storePreKeys(iq, companion);
        return result();
      case 'encrypt/rotate':
        this.storeSignedPreKey(getBinaryNodeChild(child, 'skey'), companion);
        return result();
      case 'encrypt/digest':
        return result([this.digest(companion)]);
      case 'encrypt/key':
        return result([{ tag: 'list', attrs: {}, content: this.bundles(child) }]);
      case 'usync/usync':
        return result([this.usync(child)]);
      case 'passive/active':
      case 'passive/passive':
        result();
        if (child.tag === 'active') await this.callbacks.onActive(conn);
        return;
      case 'abt/props':
        return result([
          {
            tag: 'props',
            attrs: { protocol: '1', hash: 'sandbox' },
            content: [
              { tag: 'prop', attrs: { name: '10518', value: 'false' } },
              { tag: 'prop', attrs: { name: '14303', value: 'false' } },
            ],
          },
        ]);
      case 'blocklist/undefined':
      case 'blocklist/list':
        return result([this.profiles.blocklist(account)]);
      case 'blocklist/item':
        if (this.profiles.updateBlocklist(account, iq)) return result();
        return conn.sendNode(iqError(id, '400', 'bad-request'));
      case 'w:profile:picture/picture': {
        const picture = this.profiles.picture(iq);
        return picture ? result([picture]) : conn.sendNode(iqError(id, '404', 'item-not-found'));
      }
      case 'privacy/privacy':
        return type === 'get' ? result([this.privacy()]) : result();
      case 'privacy/tokens':
        // Trusted-contact token issuance, after a 1:1 send; counted so tests can see how often a client issues.
        account.privacyTokensIssued = (account.privacyTokensIssued ?? 0) + children(child).length;
        return result();
      case 'w:sync:app:state/sync':
        return result([
          {
            tag: 'sync',
            attrs: {},
            content: children(child).map((c) => ({
              tag: 'collection',
              attrs: { name: c.attrs.name, version: '0' },
            })),
          },
        ]);
      case 'w:m/media_conn':
        return result([
          {
            tag: 'media_conn',
            attrs: { auth: this.ctx.media.auth, ttl: '3600', auth_ttl: '3600', max_buckets: '12' },
            content: [
              { tag: 'host', attrs: { hostname: this.ctx.media.host, maxContentLengthBytes: '104857600' } },
            ],
          },
        ]);
      case 'md/remove-companion-device':
        result();
        return this.callbacks.onLogout(conn, child.attrs.jid);
      default:
        return result();
    }
  }

  private storePreKeys(iq: BinaryNode, companion: CompanionDevice): void {
    const registration = bytes(getBinaryNodeChild(iq, 'registration'));
    const identity = bytes(getBinaryNodeChild(iq, 'identity'));
    if (registration) companion.registrationId = registration.readUIntBE(0, registration.length);
    if (identity) companion.identityPub = identity;
    for (const key of children(getBinaryNodeChild(iq, 'list'))) {
      const keyId = bytes(getBinaryNodeChild(key, 'id'));
      const value = bytes(getBinaryNodeChild(key, 'value'));
      if (keyId && value) companion.oneTimePreKeys[String(keyId.readUIntBE(0, keyId.length))] = value;
    }
    this.storeSignedPreKey(getBinaryNodeChild(iq, 'skey'), companion);
    this.ctx.store.markDirty();
    this.ctx.events.emit('prekeys', { count: Object.keys(companion.oneTimePreKeys).length });
  }

  private storeSignedPreKey(skey: BinaryNode | undefined, companion: CompanionDevice): void {
    const keyId = bytes(getBinaryNodeChild(skey, 'id'));
    const value = bytes(getBinaryNodeChild(skey, 'value'));
    const sig = bytes(getBinaryNodeChild(skey, 'signature'));
    if (keyId && value && sig) {
      companion.signedPreKey = { id: keyId.readUIntBE(0, keyId.length), pub: value, sig };
      this.ctx.store.markDirty();
    }
  }

  private digest(companion: CompanionDevice): BinaryNode {
    const ids = Object.keys(companion.oneTimePreKeys).map(Number);
    const hash = createHash('sha1')
      .update(companion.identityPub)
      .update(companion.signedPreKey.pub)
      .update(companion.signedPreKey.sig)
      .digest();
    return {
      tag: 'digest',
      attrs: {},
      content: [
        { tag: 'type', attrs: {}, content: Buffer.from([5]) },
        { tag: 'identity', attrs: {}, content: companion.identityPub },
        {
          tag: 'skey',
          attrs: {},
          content: [
            { tag: 'id', attrs: {}, content: be(companion.signedPreKey.id, 3) },
            { tag: 'value', attrs: {}, content: companion.signedPreKey.pub },
            { tag: 'signature', attrs: {}, content: companion.signedPreKey.sig },
          ],
        },
        { tag: 'list', attrs: {}, content: ids.map((i) => ({ tag: 'id', attrs: {}, content: be(i, 3) })) },
        { tag: 'hash', attrs: {}, content: hash },
      ],
    };
  }

  /** Key bundles; users the sandbox does not know are left out (an `<error>` child would fail the whole send). */
  private bundles(keyNode: BinaryNode): BinaryNode[] {
    const out: BinaryNode[] = [];
    for (const user of children(keyNode)) {
      const jid = user.attrs.jid;
      const decoded = jid ? jidDecode(jid) : undefined;
      const owner = decoded ? resolveUser(this.ctx, decoded.user, decoded.server) : undefined;
      if (!decoded || !owner) continue;
      const device = decoded.device ?? 0;
      if (!isAccount(owner)) {
        if (device === 0 && this.ctx.store.isRegistered(owner.phone)) out.push(owner.signal.bundleNode(jid));
        continue;
      }
      if (device === 0) {
        out.push(owner.phoneSignal.bundleNode(jid));
        continue;
      }
      const companion = owner.companions.get(device);
      if (companion) out.push(companionBundleNode(jid, companion));
    }
    this.ctx.store.markDirty();
    return out;
  }

  private usync(usync: BinaryNode): BinaryNode {
    const protocols = children(getBinaryNodeChild(usync, 'query')).map((q) => q.tag);
    const users = children(getBinaryNodeChild(usync, 'list')).map((user) => this.usyncUser(user, protocols));
    return {
      tag: 'usync',
      attrs: { sid: usync.attrs.sid ?? '', index: '0', last: 'true' },
      content: [{ tag: 'list', attrs: {}, content: users }],
    };
  }

  private usyncUser(user: BinaryNode, protocols: string[]): BinaryNode {
    const contactQuery = bytes(getBinaryNodeChild(user, 'contact'))?.toString();
    const phoneDigits = contactQuery?.replace(/\D/g, '');
    const decoded = user.attrs.jid ? jidDecode(user.attrs.jid) : undefined;
    const jid = user.attrs.jid ?? pnJid(phoneDigits ?? '');
    const known = decoded ? resolveUser(this.ctx, decoded.user, decoded.server) : undefined;
    const phone = known?.phone ?? (decoded?.server === 's.whatsapp.net' ? decoded.user : phoneDigits);
    const account = phone ? this.ctx.store.accounts.get(phone) : undefined;
    const registered = !!phone && (!!account || this.ctx.store.isRegistered(phone));
    const owner = account ?? (registered && phone ? this.ctx.store.contact(phone) : undefined);
    const content: BinaryNode[] = [];
    for (const protocol of protocols) {
      if (protocol === 'devices')
        content.push(this.devicesNode(owner && isAccount(owner) ? owner : undefined, !!owner));
      if (protocol === 'lid' && owner) content.push({ tag: 'lid', attrs: { val: lidJid(owner.lid) } });
      if (protocol === 'contact')
        content.push({ tag: 'contact', attrs: { type: registered ? 'in' : 'out' } });
      if (protocol === 'status' && owner)
        content.push({
          tag: 'status',
          attrs: { t: unixNow() },
          content: Buffer.from('Hey there! I am using WhatsApp.'),
        });
      if (protocol === 'disappearing_mode' && owner)
        content.push({ tag: 'disappearing_mode', attrs: { duration: '0', t: '0' } });
    }
    return { tag: 'user', attrs: { jid }, content };
  }

  /** Device 0 for anyone on WhatsApp; an account also lists its companions, each with its key index. */
  private devicesNode(account: Account | undefined, registered: boolean): BinaryNode {
    const devices: BinaryNode[] = registered ? [{ tag: 'device', attrs: { id: '0' } }] : [];
    const keyIndexes: BinaryNode = { tag: 'key-index-list', attrs: { ts: unixNow() } };
    if (account) {
      const companions = [...account.companions.values()];
      for (const c of companions)
        devices.push({ tag: 'device', attrs: { id: String(c.deviceId), 'key-index': String(c.keyIndex) } });
      keyIndexes.content = this.keyIndexList(account, companions);
    }
    return {
      tag: 'devices',
      attrs: {},
      content: [{ tag: 'device-list', attrs: {}, content: devices }, keyIndexes],
    };
  }

  /**
   * The signed key-index list changes only when companions do, and XEdDSA signing in pure JS costs tens of
   * milliseconds, so it is signed once per device set rather than on every usync.
   */
  private keyIndexList(account: Account, companions: CompanionDevice[]): Buffer {
    const validIndexes = companions.map((c) => c.keyIndex);
    const cacheKey = `${account.keyIndexCounter}:${validIndexes.join(',')}`;
    const cached = this.keyIndexCache.get(account);
    if (cached?.key === cacheKey) return cached.list;
    const list = buildKeyIndexList(
      account.accountKey,
      account.advRawId,
      account.keyIndexCounter,
      validIndexes,
    );
    this.keyIndexCache.set(account, { key: cacheKey, list });
    return list;
  }

  private privacy(): BinaryNode {
    const categories = ['last', 'online', 'profile', 'status', 'groupadd', 'calladd', 'readreceipts'];
    return {
      tag: 'privacy',
      attrs: {},
      content: categories.map((name) => ({
        tag: 'category',
        attrs: { name, value: name === 'readreceipts' ? 'all' : name === 'online' ? 'all' : 'contacts' },
      })),
    };
  }
}

/** An iq error as WhatsApp answers one: `<iq type="error"><error code text/></iq>`. */
function iqError(id: string, code: string, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: 's.whatsapp.net', type: 'error', id },
    content: [{ tag: 'error', attrs: { code, text } }],
  };
}

/** A companion's bundle for other devices of its account, built from its registration and uploads. */
function companionBundleNode(jid: string, companion: CompanionDevice): BinaryNode {
  const [preKeyId] = Object.keys(companion.oneTimePreKeys);
  const content: BinaryNode[] = [
    { tag: 'registration', attrs: {}, content: be(companion.registrationId, 4) },
    { tag: 'type', attrs: {}, content: Buffer.from([5]) },
    { tag: 'identity', attrs: {}, content: companion.identityPub },
    {
      tag: 'skey',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: be(companion.signedPreKey.id, 3) },
        { tag: 'value', attrs: {}, content: companion.signedPreKey.pub },
        { tag: 'signature', attrs: {}, content: companion.signedPreKey.sig },
      ],
    },
  ];
  if (preKeyId !== undefined) {
    content.push({
      tag: 'key',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: be(Number(preKeyId), 3) },
        { tag: 'value', attrs: {}, content: companion.oneTimePreKeys[preKeyId] },
      ],
    });
    delete companion.oneTimePreKeys[preKeyId];
  }
  return { tag: 'user', attrs: { jid }, content };
}
