import type { BinaryNode } from '@whiskeysockets/baileys';
import { clientVersionOf, isOlder, OUTDATED_CLIENT_FAILURE } from './client-version';
import type { ClientConnection, ConnectionHandlers } from './connection';
import type { ContactActivity } from './contact-activity';
import { lidJid, pnJid, unixNow, type SandboxContext } from './context';
import type { Delivery } from './delivery';
import type { ContactProfiles } from './contact-profile';
import type { Groups } from './groups';
import { IqHandlers } from './iq-handlers';
import type { HandshakeResult } from './noise';
import type { Outbound } from './outbound';
import type { Pairing } from './pairing';
import type { Account, CompanionDevice } from './sandbox-store';

interface CompanionContext {
  account: Account;
  companion: CompanionDevice;
}

/** Routes each connection after the handshake: registration (pairing) or login of a linked companion. */
export class NodeRouter implements ConnectionHandlers {
  private readonly iqs: IqHandlers;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly pairing: Pairing,
    private readonly delivery: Delivery,
    private readonly outbound: Outbound,
    private readonly contacts: ContactActivity,
    profiles: ContactProfiles,
    groups?: Groups,
  ) {
    this.iqs = new IqHandlers(
      ctx,
      profiles,
      {
        onActive: (conn) => this.onActive(conn),
        onLogout: (conn) => this.onLogout(conn),
      },
      groups,
    );
  }

  async onHandshake(conn: ClientConnection, result: HandshakeResult): Promise<void> {
    const { payload } = result;
    const version = clientVersionOf(payload);
    const min = this.ctx.options.minVersion;
    const refused = min !== null && isOlder(version, min);
    this.ctx.events.emit('client-version', { conn: conn.id, version: version.join('.'), refused });
    if (refused) {
      this.ctx.log('info', 'client version refused', { conn: conn.id, version: version.join('.') });
      conn.sendNode(OUTDATED_CLIENT_FAILURE);
      conn.close('client version refused');
      return;
    }
    if (payload.devicePairingData) {
      this.ctx.log('debug', 'registration connection', { conn: conn.id });
      this.pairing.startRegistration(conn, result);
      return;
    }
    const phone = payload.username != null ? String(payload.username) : '';
    const deviceId = payload.device ?? 0;
    const account = this.ctx.store.accounts.get(phone);
    const companion = account?.companions.get(deviceId);
    if (!account || !companion || !companion.noisePub.equals(result.clientStatic)) {
      this.ctx.log('info', 'login refused', { phone, device: deviceId });
      conn.sendNode({ tag: 'failure', attrs: { reason: '401', location: 'sandbox' } });
      conn.close('login refused');
      return;
    }
    conn.context.role = 'companion';
    conn.context.companion = { account, companion } satisfies CompanionContext;
    const previous = this.ctx.registry.set(account.phone, deviceId, conn);
    const overlap = this.ctx.connections.opened(conn, account.phone, deviceId, !!previous?.isOpen);
    if (overlap) {
      this.ctx.log('warn', 'device logged in while still connected', { ...overlap, conn: conn.id });
      this.ctx.events.emit('overlap', overlap);
    }
    // Another socket with the same creds: the older one is replaced, as WhatsApp does (Baileys maps it to 440).
    previous?.streamError('440', { tag: 'conflict', attrs: { type: 'replaced' } }, 'replaced');
    if (this.ctx.options.idleTimeoutMs > 0) conn.watchIdle(this.ctx.options.idleTimeoutMs);
    conn.sendNode({
      tag: 'success',
      attrs: {
        t: unixNow(),
        props: '1',
        abprops: '1',
        location: 'sandbox',
        creation: String(Math.floor(companion.linkedAt / 1000)),
        lid: lidJid(account.lid, deviceId),
      },
    });
    this.ctx.log('info', 'companion logged in', { phone, device: deviceId, conn: conn.id });
    this.ctx.events.emit('login', { phone, deviceId, deviceJid: pnJid(phone, deviceId) });
  }

  async onNode(conn: ClientConnection, node: BinaryNode): Promise<void> {
    if (conn.context.role === 'registration') return this.pairing.onNode(conn, node);
    const linked = conn.context.companion as CompanionContext | undefined;
    if (!linked) return;
    const { account, companion } = linked;
    switch (node.tag) {
      case 'iq':
        return this.iqs.handle(conn, node, account, companion);
      case 'message':
        return this.outbound.handle(conn, node, account, companion.deviceId);
      case 'receipt':
        return this.onClientReceipt(conn, node, account, companion);
      case 'ack':
        return this.delivery.onAck(account, companion, node);
      case 'presence':
        return this.contacts.onDevicePresence(conn, node, account);
      case 'chatstate':
        return this.contacts.onDeviceChatState(node, account, companion);
      default:
        // ib: nothing to answer
        return;
    }
  }

  onClose(conn: ClientConnection): void {
    this.pairing.onClose(conn);
    this.ctx.connections.closed(conn);
    const linked = conn.context.companion as CompanionContext | undefined;
    if (!linked) return;
    const { account, companion } = linked;
    if (this.ctx.registry.remove(account.phone, companion.deviceId, conn)) {
      this.ctx.events.emit('disconnect', { phone: account.phone, deviceId: companion.deviceId });
    }
  }

  /** After `<active/>`: the offline backlog, then `<ib><offline/>`, then the first-login history bootstrap. */
  private async onActive(conn: ClientConnection): Promise<void> {
    const linked = conn.context.companion as CompanionContext;
    if (!linked || conn.context.ready) return;
    conn.context.ready = true;
    const count = await this.delivery.flushOffline(conn, linked.account, linked.companion);
    conn.sendNode({ tag: 'ib', attrs: {}, content: [{ tag: 'offline', attrs: { count: String(count) } }] });
    if (!linked.companion.bootstrapped)
      await this.delivery.historyBootstrap(linked.account, linked.companion);
    this.ctx.events.emit('ready', { phone: linked.account.phone, deviceId: linked.companion.deviceId });
  }

  /** The client logged out: the device is forgotten, so its creds get `<failure reason="401">` from now on. */
  private onLogout(conn: ClientConnection): void {
    const linked = conn.context.companion as CompanionContext;
    if (!linked) return;
    const { account, companion } = linked;
    account.companions.delete(companion.deviceId);
    this.ctx.registry.remove(account.phone, companion.deviceId, conn);
    this.ctx.store.markDirty();
    this.ctx.log('info', 'companion logged out', { phone: account.phone, device: companion.deviceId });
    this.ctx.events.emit('logout', { phone: account.phone, deviceId: companion.deviceId, by: 'client' });
    conn.close('logout');
  }

  /**
   * A receipt from the device: for a contact's message it acknowledges the delivery (Delivery), for the sender it
   * is news. The server's `<ack>` goes out once the acknowledgement is in the state file.
   */
  private onClientReceipt(
    conn: ClientConnection,
    node: BinaryNode,
    account: Account,
    companion: CompanionDevice,
  ): void {
    const { id, to, type } = node.attrs;
    const listed = Array.isArray(node.content)
      ? node.content.flatMap((c) =>
          c.tag === 'list' && Array.isArray(c.content) ? c.content.map((i) => i.attrs.id) : [],
        )
      : [];
    this.delivery.onDeviceReceipt(account, companion, [id, ...listed], type);
    this.contacts.onReceiptToContact(account, to, [id, ...listed], type);
    void this.ctx.store.whenSaved().then(() =>
      conn.sendNode({
        tag: 'ack',
        attrs: { class: 'receipt', id, from: to ?? 's.whatsapp.net', ...(type ? { type } : {}) },
      }),
    );
    this.ctx.events.emit('receipt', {
      direction: 'from-account',
      account: account.phone,
      contact: to?.split('@')[0]?.split(':')[0],
      ids: [id, ...listed],
      type: type ?? 'delivered',
    });
  }
}
