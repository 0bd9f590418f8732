import { randomBytes } from 'node:crypto';
import { generateMessageIDV2, type BinaryNode } from '@whiskeysockets/baileys';
import type { SandboxContext } from './context';
import type { Delivery } from './delivery';
import {
  groupNode,
  isAdmin,
  memberOf,
  participantNode,
  pnUserJid,
  type GroupMember,
  type SandboxGroup,
} from './group-model';
import { SenderKeys } from './sender-keys';

/** A refused group operation, answered as WhatsApp does: `<error code text>`. */
export class GroupError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(text);
  }
}

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';
export type GroupSetting = 'announcement' | 'not_announcement' | 'locked' | 'unlocked';

/** One participant's outcome of a change: `200`, or WhatsApp's refusal (403 privacy, 404 unknown, 409 member). */
export interface ParticipantResult {
  phone: string;
  code: number;
}

const inviteCode = (): string => randomBytes(16).toString('base64url').slice(0, 22);
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Groups as WhatsApp's server keeps them: metadata, members and roles, and the rules for changing them (a
 * member may change the subject unless the info is locked; only admins add, remove, promote and demote). Every
 * change is announced with a `<notification type="w:gp2">` to the linked devices of each account in the group
 * (and of an account that was removed), queued until the device acknowledges it.
 */
export class Groups {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly delivery: Delivery,
  ) {}

  /** The group, or 404 (item-not-found); with `member`, 401 (not-authorized) unless that phone is in it. */
  require(jid: string, member?: string): SandboxGroup {
    const group = this.ctx.store.groups.get(jid);
    if (!group) throw new GroupError(404, 'item-not-found');
    if (member && !memberOf(group, member)) throw new GroupError(401, 'not-authorized');
    return group;
  }

  /** Groups the phone is a member of. */
  participating(phone: string): SandboxGroup[] {
    return [...this.ctx.store.groups.values()].filter((g) => memberOf(g, phone));
  }

  create(
    creator: string,
    subject: string,
    phones: string[],
  ): { group: SandboxGroup; results: ParticipantResult[] } {
    if (!subject.trim()) throw new GroupError(400, 'bad-request');
    const jid = `120363${String(this.ctx.store.nextSequence()).padStart(12, '0')}@g.us`;
    const t = nowSeconds();
    const group: SandboxGroup = {
      jid,
      subject,
      subjectOwner: creator,
      subjectTime: t,
      creator,
      creation: t,
      announce: false,
      restrict: false,
      joinApproval: false,
      inviteCode: inviteCode(),
      members: [{ phone: creator, role: 'superadmin' }],
      keyHolders: {},
    };
    const results = phones.map((phone) => this.admit(group, phone));
    this.ctx.store.groups.set(jid, group);
    this.ctx.store.markDirty();
    this.notify(group, creator, { tag: 'create', attrs: {}, content: [this.node(group)] });
    this.emit('created', group, creator);
    return { group, results };
  }

  participants(jid: string, actor: string, action: ParticipantAction, phones: string[]): ParticipantResult[] {
    const group = this.require(jid, actor);
    if (!isAdmin(group, actor)) throw new GroupError(403, 'forbidden');
    const results: ParticipantResult[] = [];
    const changed: GroupMember[] = [];
    for (const phone of phones) {
      const member = memberOf(group, phone);
      let code = 200;
      if (action === 'add') code = this.admit(group, phone).code;
      else if (!member) code = 404;
      else if (action === 'remove') {
        if (member.role === 'superadmin' && phone !== actor) code = 403;
        else group.members = group.members.filter((m) => m.phone !== phone);
      } else if (action === 'promote') member.role = member.role ?? 'admin';
      else if (member.role !== 'superadmin') delete member.role;
      else code = 403;
      results.push({ phone, code });
      if (code === 200) changed.push(memberOf(group, phone) ?? { phone });
    }
    if (!changed.length) return results;
    if (action === 'remove') this.startNewSenderKeys(group);
    this.ctx.store.markDirty();
    this.notify(group, actor, this.participantsNode(action, changed), action === 'remove' ? changed : []);
    this.emit(
      action,
      group,
      actor,
      changed.map((m) => m.phone),
    );
    return results;
  }

  leave(jid: string, phone: string): void {
    const group = this.require(jid, phone);
    const leaving = memberOf(group, phone)!;
    group.members = group.members.filter((m) => m.phone !== phone);
    if (!group.members.some((m) => m.role === 'superadmin') && group.members[0])
      group.members[0].role = 'superadmin';
    this.startNewSenderKeys(group);
    this.ctx.store.markDirty();
    // WhatsApp announces a member leaving as its own removal (actor = the removed participant).
    this.notify(group, phone, this.participantsNode('remove', [leaving]), [leaving]);
    this.emit('leave', group, phone, [phone]);
  }

  setSubject(jid: string, actor: string, subject: string): void {
    const group = this.editable(jid, actor);
    if (!subject.trim()) throw new GroupError(400, 'bad-request');
    Object.assign(group, { subject, subjectOwner: actor, subjectTime: nowSeconds() });
    this.ctx.store.markDirty();
    this.notify(group, actor, {
      tag: 'subject',
      attrs: { subject, s_o: pnUserJid(actor), s_t: String(group.subjectTime) },
    });
    this.emit('subject', group, actor);
  }

  setDescription(jid: string, actor: string, body: string | null, id?: string): void {
    const group = this.editable(jid, actor);
    group.description = body
      ? { id: id ?? generateMessageIDV2(), body, owner: actor, t: nowSeconds() }
      : undefined;
    this.ctx.store.markDirty();
    this.notify(group, actor, {
      tag: 'description',
      attrs: body ? { id: group.description!.id } : { delete: 'true' },
      content: body ? [{ tag: 'body', attrs: {}, content: Buffer.from(body, 'utf8') }] : undefined,
    });
    this.emit('description', group, actor);
  }

  setSetting(jid: string, actor: string, setting: GroupSetting): void {
    const group = this.require(jid, actor);
    if (!isAdmin(group, actor)) throw new GroupError(403, 'forbidden');
    if (setting === 'announcement' || setting === 'not_announcement')
      group.announce = setting === 'announcement';
    else group.restrict = setting === 'locked';
    this.ctx.store.markDirty();
    this.notify(group, actor, { tag: setting, attrs: {} });
    this.emit('setting', group, actor);
  }

  setJoinApproval(jid: string, actor: string, on: boolean): void {
    const group = this.require(jid, actor);
    if (!isAdmin(group, actor)) throw new GroupError(403, 'forbidden');
    group.joinApproval = on;
    this.ctx.store.markDirty();
    this.notify(group, actor, {
      tag: 'membership_approval_mode',
      attrs: {},
      content: [{ tag: 'group_join', attrs: { state: on ? 'on' : 'off' } }],
    });
    this.emit('setting', group, actor);
  }

  /** The invite code (admins only), or a new one (`revoke`): the old link stops working. */
  invite(jid: string, actor: string, revoke = false): string {
    const group = this.require(jid, actor);
    if (!isAdmin(group, actor)) throw new GroupError(403, 'forbidden');
    if (revoke) {
      group.inviteCode = inviteCode();
      this.ctx.store.markDirty();
    }
    return group.inviteCode;
  }

  byInvite(code: string): SandboxGroup {
    const group = [...this.ctx.store.groups.values()].find((g) => g.inviteCode === code);
    if (!group) throw new GroupError(406, 'not-acceptable');
    return group;
  }

  /** Joins by invite code; a member already in it just gets the group back. */
  join(code: string, phone: string): SandboxGroup {
    const group = this.byInvite(code);
    if (memberOf(group, phone)) return group;
    group.members.push({ phone });
    this.ctx.store.markDirty();
    this.notify(group, phone, this.participantsNode('add', [{ phone }]));
    this.emit('add', group, phone, [phone]);
    return group;
  }

  /** The `<group>` node of the metadata answer. */
  node(group: SandboxGroup): BinaryNode {
    return groupNode(group, (phone) => this.lidOf(phone));
  }

  /** The contact's sender keys (its own per group and those distributed to it). */
  senderKeys(phone: string): SenderKeys {
    const contact = this.ctx.store.contact(phone);
    return new SenderKeys((contact.senderKeys ??= {}));
  }

  private editable(jid: string, actor: string): SandboxGroup {
    const group = this.require(jid, actor);
    if (group.restrict && !isAdmin(group, actor)) throw new GroupError(403, 'forbidden');
    return group;
  }

  /** Adds one phone, or says why not: 409 already in it, 404 not on WhatsApp, 403 its privacy refuses. */
  private admit(group: SandboxGroup, phone: string): ParticipantResult {
    if (memberOf(group, phone)) return { phone, code: 409 };
    const account = this.ctx.store.accounts.get(phone);
    if (!account && !this.ctx.store.isRegistered(phone)) return { phone, code: 404 };
    if (!account && this.ctx.store.contact(phone).refusesGroupAdd) return { phone, code: 403 };
    group.members.push({ phone });
    return { phone, code: 200 };
  }

  /**
   * After someone left or was removed, every remaining simulated member starts a new sender key, as WhatsApp
   * clients do, so what they write next is unreadable with the key the departed member holds.
   */
  private startNewSenderKeys(group: SandboxGroup): void {
    for (const m of group.members) {
      if (this.ctx.store.accounts.has(m.phone)) continue;
      this.senderKeys(m.phone).rotate(group.jid, { user: m.phone, device: 0 });
    }
    group.keyHolders = {};
  }

  private participantsNode(action: ParticipantAction, members: GroupMember[]): BinaryNode {
    return {
      tag: action,
      attrs: {},
      content: members.map((m) => participantNode(m, (phone) => this.lidOf(phone))),
    };
  }

  /** Queues the notification for every linked device of each account in the group, and of `extra` accounts. */
  private notify(group: SandboxGroup, actor: string, child: BinaryNode, extra: GroupMember[] = []): void {
    const t = Date.now();
    const id = String(Math.floor(t / 1000)) + String(this.ctx.store.nextSequence()).padStart(6, '0');
    const node: BinaryNode = {
      tag: 'notification',
      attrs: {
        from: group.jid,
        type: 'w:gp2',
        id,
        participant: pnUserJid(actor),
        t: String(Math.floor(t / 1000)),
      },
      content: [child],
    };
    const phones = new Set([...group.members, ...extra].map((m) => m.phone));
    for (const phone of phones) {
      const account = this.ctx.store.accounts.get(phone);
      if (!account) continue;
      void this.delivery
        .notificationToAccount(account, { kind: 'notification', id, node, t })
        .catch((err: Error) =>
          this.ctx.log('warn', 'could not deliver a group notification', { err: err.message }),
        );
    }
  }

  private emit(change: string, group: SandboxGroup, actor: string, participants: string[] = []): void {
    this.ctx.log('debug', 'group changed', { group: group.jid, change });
    this.ctx.events.emit('group', { group: group.jid, change, actor, participants });
  }

  private lidOf(phone: string): string | undefined {
    return this.ctx.store.accounts.get(phone)?.lid ?? this.ctx.store.contacts.get(phone)?.lid;
  }
}
