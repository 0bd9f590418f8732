import type { BinaryNode } from '@whiskeysockets/baileys';

export type GroupRole = 'admin' | 'superadmin';

export interface GroupMember {
  /** Phone digits (an account's or a contact's). */
  phone: string;
  role?: GroupRole;
}

/** A simulated WhatsApp group, addressed by phone numbers (`addressing_mode` pn). */
export interface SandboxGroup {
  /** `<digits>@g.us`. */
  jid: string;
  subject: string;
  /** Who set the subject (digits) and when (epoch seconds). */
  subjectOwner: string;
  subjectTime: number;
  creator: string;
  /** Epoch seconds. */
  creation: number;
  description?: { id: string; body: string; owner: string; t: number };
  /** Only admins send (`announcement`). */
  announce: boolean;
  /** Only admins edit the group info (`locked`). */
  restrict: boolean;
  /** New members need an admin's approval (`membership_approval_mode`). */
  joinApproval: boolean;
  inviteCode: string;
  members: GroupMember[];
  /**
   * Per member (digits): the devices (`<digits>:<device>`) its current sender key was distributed to. Emptied when
   * the member starts a new key (after someone left or was removed).
   */
  keyHolders: Record<string, string[]>;
}

export const pnUserJid = (phone: string): string => `${phone}@s.whatsapp.net`;

export const memberOf = (group: SandboxGroup, phone: string): GroupMember | undefined =>
  group.members.find((m) => m.phone === phone);

export const isAdmin = (group: SandboxGroup, phone: string): boolean => !!memberOf(group, phone)?.role;

/** `<participant jid lid type>` as WhatsApp lists a member in group metadata and notifications. */
export function participantNode(
  member: GroupMember,
  lidOf: (phone: string) => string | undefined,
): BinaryNode {
  const attrs: Record<string, string> = { jid: pnUserJid(member.phone) };
  const lid = lidOf(member.phone);
  if (lid) attrs.lid = `${lid}@lid`;
  if (member.role) attrs.type = member.role;
  return { tag: 'participant', attrs };
}

/**
 * The `<group>` node of a `w:g2` metadata answer (and of `create` notifications), the shape Baileys'
 * `extractGroupMetadata` reads: subject with owner and time, creator and creation, description, the settings as
 * present-or-absent children, and the participants.
 */
export function groupNode(group: SandboxGroup, lidOf: (phone: string) => string | undefined): BinaryNode {
  const content: BinaryNode[] = [];
  if (group.description)
    content.push({
      tag: 'description',
      attrs: {
        id: group.description.id,
        participant: pnUserJid(group.description.owner),
        t: String(group.description.t),
      },
      content: [{ tag: 'body', attrs: {}, content: Buffer.from(group.description.body, 'utf8') }],
    });
  if (group.announce) content.push({ tag: 'announcement', attrs: {} });
  if (group.restrict) content.push({ tag: 'locked', attrs: {} });
  if (group.joinApproval)
    content.push({
      tag: 'membership_approval_mode',
      attrs: {},
      content: [{ tag: 'group_join', attrs: { state: 'on' } }],
    });
  content.push({ tag: 'member_add_mode', attrs: {}, content: Buffer.from('admin_add') });
  for (const m of group.members) content.push(participantNode(m, lidOf));
  return {
    tag: 'group',
    attrs: {
      id: group.jid.split('@')[0],
      subject: group.subject,
      s_o: pnUserJid(group.subjectOwner),
      s_t: String(group.subjectTime),
      creator: pnUserJid(group.creator),
      creation: String(group.creation),
      size: String(group.members.length),
    },
    content,
  };
}
