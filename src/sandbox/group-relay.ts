import { generateMessageIDV2, proto, type BinaryNode } from '@whiskeysockets/baileys';
import type { SandboxContext } from './context';
import type { Delivery } from './delivery';
import { memberOf } from './group-model';
import { GroupError, type Groups } from './groups';
import { isAccount, type EncTarget, type Outbound } from './outbound';
import type { Account } from './sandbox-store';

/**
 * Group messages both ways, with Signal sender keys as WhatsApp does them.
 *
 * From an account's device: Baileys sends one `<enc type="skmsg">` (encrypted once with its sender key) and, in
 * `<participants>`, a pkmsg/msg per member device that does not hold that key yet, carrying the sender-key
 * distribution message. Each member processes the distribution message it got, then decrypts the skmsg with the
 * group cipher; only current members are relayed to, as WhatsApp's server does, so a removed member gets nothing.
 *
 * From a simulated member: it encrypts with its own sender key and each linked device of the accounts in the
 * group gets `<message from=group participant=member>` with the skmsg, plus the distribution message in a
 * pkmsg/msg when that device does not hold the member's current key yet.
 */
export class GroupRelay {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly groups: Groups,
    private readonly outbound: Outbound,
    private readonly delivery: Delivery,
  ) {
    outbound.groupRelay = (account, deviceId, node, targets) =>
      this.fromAccount(account, deviceId, node, targets);
  }

  private async fromAccount(
    account: Account,
    deviceId: number,
    node: BinaryNode,
    targets: EncTarget[],
  ): Promise<void> {
    const { id, to } = node.attrs;
    const group = this.ctx.store.groups.get(to);
    if (!group || !memberOf(group, account.phone)) {
      this.ctx.log('warn', 'group message from a non-member dropped', { id, to });
      return;
    }
    const author = { user: account.phone, device: deviceId };
    let skmsg: Uint8Array | undefined;
    for (const target of targets) {
      if (target.jid === to) {
        if (target.enc.attrs.type === 'skmsg' && target.enc.content instanceof Uint8Array)
          skmsg = target.enc.content;
        continue;
      }
      const decrypted = await this.outbound.decryptTarget(account, deviceId, id, target);
      if (!decrypted || isAccount(decrypted.recipient)) continue;
      if (!memberOf(group, decrypted.recipient.phone)) continue;
      const skdm = proto.Message.decode(decrypted.plaintext).senderKeyDistributionMessage;
      if (skdm?.axolotlSenderKeyDistributionMessage)
        await this.groups
          .senderKeys(decrypted.recipient.phone)
          .process(to, author, skdm.axolotlSenderKeyDistributionMessage);
    }
    if (!skmsg) return;
    for (const member of group.members) {
      if (member.phone === account.phone || this.ctx.store.accounts.has(member.phone)) continue;
      const contact = this.ctx.store.contact(member.phone);
      let plaintext: Buffer;
      try {
        plaintext = await this.groups.senderKeys(member.phone).decrypt(to, author, skmsg);
      } catch (err) {
        this.ctx.log('warn', 'member could not decrypt a group message', {
          id,
          group: to,
          member: member.phone,
          err: (err as Error).message,
        });
        continue;
      } finally {
        this.ctx.store.markDirty();
      }
      await this.outbound.recordFor(account, deviceId, id, contact, proto.Message.decode(plaintext), to);
    }
  }

  /** A simulated member writes to the group: every linked device of the accounts in it gets the message. */
  async memberSend(
    groupJid: string,
    from: string,
    message: proto.IMessage,
    opts: { id?: string; pushName?: string } = {},
  ): Promise<{ id: string }> {
    const group = this.groups.require(groupJid, from);
    if (this.ctx.store.accounts.has(from))
      throw new GroupError(400, 'an account writes through its own devices');
    if (group.announce && !memberOf(group, from)?.role) throw new GroupError(403, 'forbidden');
    const contact = this.ctx.store.contact(from);
    if (opts.pushName) contact.pushName = opts.pushName;
    const id = opts.id ?? generateMessageIDV2();
    const bytes = Buffer.from(proto.Message.encode(message).finish());
    const { skmsg, skdm } = await this.groups
      .senderKeys(from)
      .encrypt(groupJid, { user: from, device: 0 }, bytes);
    const holders = new Set((group.keyHolders[from] ??= []));
    const t = Date.now();
    const sends: Promise<void>[] = [];
    for (const member of group.members) {
      const account = this.ctx.store.accounts.get(member.phone);
      if (!account) continue;
      for (const companion of account.companions.values()) {
        const device = `${account.phone}:${companion.deviceId}`;
        const needsKey = !holders.has(device);
        if (needsKey) group.keyHolders[from].push(device);
        sends.push(
          this.delivery.toCompanion(account, companion, {
            id,
            from,
            fromPhone: false,
            message: bytes,
            t,
            pushName: contact.pushName,
            group: { jid: groupJid, skmsg, ...(needsKey ? { skdm } : {}) },
          }),
        );
      }
    }
    this.ctx.store.markDirty();
    await Promise.all(sends);
    this.ctx.events.emit('group-message', { group: groupJid, from, id });
    return { id };
  }
}
