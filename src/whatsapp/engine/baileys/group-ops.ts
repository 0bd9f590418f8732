import {
  jidDecode,
  type BaileysEventMap,
  type GroupMetadata,
  type GroupParticipant as BaileysParticipant,
  type WASocket,
} from '@whiskeysockets/baileys';
import type pino from 'pino';
import { WhatsAppRefused } from '../engine-errors';
import type { ConnectionHandlers } from '../whatsapp-engine';
import type {
  GroupEvent,
  GroupInfo,
  GroupParticipant,
  GroupRequest,
  GroupResult,
  GroupResults,
} from '../group.types';
import { toEngineError } from './engine-error';
import { lidOf, normalizeJid, phoneOf } from './jid';

/** A Baileys participant in our terms: its JID, phone and LID (whichever WhatsApp gave), role. */
export function toParticipant(
  p: Pick<BaileysParticipant, 'id' | 'phoneNumber' | 'lid' | 'admin'>,
): GroupParticipant {
  const jid = normalizeJid(p.id);
  return {
    jid,
    phone: phoneOf(jid) ?? phoneOf(p.phoneNumber ?? null),
    lid: lidOf(jid) ?? lidOf(p.lid ?? null),
    role: p.admin === 'superadmin' ? 'superadmin' : p.admin === 'admin' ? 'admin' : 'member',
  };
}

export function toGroupInfo(m: GroupMetadata): GroupInfo {
  return {
    jid: m.id,
    subject: m.subject ?? '',
    description: m.desc ?? null,
    owner: m.owner ? normalizeJid(m.owner) : null,
    createdAt: m.creation ?? null,
    size: m.size ?? m.participants.length,
    settings: {
      announcementOnly: !!m.announce,
      locked: !!m.restrict,
      approvalRequired: !!m.joinApprovalMode,
    },
    participants: m.participants.map(toParticipant),
  };
}

/**
 * A refusal WhatsApp answered to an iq (Baileys throws a Boom whose `data` is the error code) becomes
 * `WhatsAppRefused`; a connection that went away `ConnectionLost`.
 */
export function toGroupError(err: unknown): unknown {
  const data = (err as { data?: unknown } | null)?.data;
  const status = (err as { output?: { statusCode?: number } } | null)?.output?.statusCode;
  if (typeof data === 'number' && data >= 400) return new WhatsAppRefused(data, (err as Error).message);
  if (data && typeof data === 'object' && status && status >= 400 && status !== 408 && status !== 428)
    return new WhatsAppRefused(status, (err as Error).message);
  return toEngineError(err);
}

/** Runs one group request on the socket. */
export async function runGroupRequest<R extends GroupRequest>(
  sock: WASocket,
  request: R,
): Promise<GroupResult<R>> {
  try {
    return (await run(sock, request)) as GroupResult<R>;
  } catch (err) {
    throw toGroupError(err);
  }
}

async function run(sock: WASocket, r: GroupRequest): Promise<GroupResults[GroupRequest['op']]> {
  switch (r.op) {
    case 'list':
      return Object.values(await sock.groupFetchAllParticipating()).map(toGroupInfo);
    case 'create':
      return toGroupInfo(await sock.groupCreate(r.subject, r.participants));
    case 'get':
      return toGroupInfo(await sock.groupMetadata(r.jid));
    case 'subject':
      return sock.groupUpdateSubject(r.jid, r.subject);
    case 'description':
      return sock.groupUpdateDescription(r.jid, r.description ?? undefined);
    case 'setting':
      return sock.groupSettingUpdate(r.jid, r.setting);
    case 'approval':
      return sock.groupJoinApprovalMode(r.jid, r.on ? 'on' : 'off');
    case 'participants':
      return (await sock.groupParticipantsUpdate(r.jid, r.participants, r.action)).map((p) => ({
        jid: normalizeJid(p.jid ?? ''),
        status: Number(p.status),
      }));
    case 'invite': {
      const code = r.revoke ? await sock.groupRevokeInvite(r.jid) : await sock.groupInviteCode(r.jid);
      if (!code) throw new WhatsAppRefused(502, 'no invite code in the answer');
      return code;
    }
    case 'join': {
      const jid = await sock.groupAcceptInvite(r.code);
      if (!jid) throw new WhatsAppRefused(502, 'no group in the answer');
      return jid;
    }
    case 'leave':
      return sock.groupLeave(r.jid);
    case 'picture':
      try {
        return (await sock.profilePictureUrl(r.jid, 'image')) ?? null;
      } catch (err) {
        // No picture: WhatsApp answers item-not-found (404) or not-authorized (401) for a hidden one.
        const e = toGroupError(err);
        if (e instanceof WhatsAppRefused && (e.code === 404 || e.code === 401)) return null;
        throw e;
      }
  }
}

type ParticipantsUpdate = BaileysEventMap['group-participants.update'];
type GroupUpdate = BaileysEventMap['groups.update'][number];

/** `group-participants.update` in our terms; a removal by the removed participant is a leave. */
export function toParticipantsEvent(
  u: ParticipantsUpdate,
  me: { jid: string; lid: string | null },
): GroupEvent {
  const participants = u.participants.map((p) => {
    const mapped = toParticipant({ id: p.id, phoneNumber: p.phoneNumber, lid: p.lid, admin: null });
    return { jid: mapped.jid, phone: mapped.phone, lid: mapped.lid };
  });
  const author = u.author ? normalizeJid(u.author) : null;
  const includesMe = participants.some(
    (p) =>
      p.jid === me.jid ||
      (!!me.lid && p.lid === me.lid) ||
      (!!p.phone && `${p.phone}@s.whatsapp.net` === me.jid),
  );
  const left =
    u.action === 'remove' && participants.length === 1 && !!author && participants[0].jid === author;
  const action = left ? 'leave' : u.action;
  return {
    kind: 'participants',
    groupJid: u.id,
    action: action === 'modify' ? 'add' : (action as 'add' | 'remove' | 'promote' | 'demote' | 'leave'),
    participants,
    author,
    includesMe,
  };
}

/** `groups.update` in our terms: only the fields WhatsApp changed (settings by their own names). */
export function toUpdateEvent(u: GroupUpdate): GroupEvent | null {
  // Baileys also emits groups.update with the whole metadata of each group it fetched (a list): not a change.
  if (Array.isArray(u.participants)) return null;
  const changes: Extract<GroupEvent, { kind: 'update' }>['changes'] = {};
  if (u.subject !== undefined) changes.subject = u.subject;
  if (u.desc !== undefined) changes.description = u.desc ?? null;
  if (u.inviteCode !== undefined) changes.inviteCode = u.inviteCode;
  if (u.announce !== undefined) changes.announcementOnly = !!u.announce;
  if (u.restrict !== undefined) changes.locked = !!u.restrict;
  if (u.joinApprovalMode !== undefined) changes.approvalRequired = !!u.joinApprovalMode;
  if (!Object.keys(changes).length || !u.id) return null;
  return { kind: 'update', groupJid: u.id, changes, author: u.author ? normalizeJid(u.author) : null };
}

/**
 * After a participant left or was removed, the account's own sender key for the group is dropped (and the record
 * of who holds it): the next message starts a new key, distributed to the remaining members only, so the one who
 * left cannot read it even with a copy of the stanza. Baileys itself keeps the key; WhatsApp's clients rotate.
 */
export async function rotateOwnSenderKey(sock: WASocket, groupJid: string): Promise<void> {
  const names: Record<string, null> = {};
  for (const id of [sock.user?.id, sock.user?.lid]) {
    const decoded = id ? jidDecode(id) : undefined;
    if (!decoded?.user) continue;
    const user = decoded.server === 'lid' ? `${decoded.user}_1` : decoded.user;
    names[`${groupJid}::${user}::${decoded.device ?? 0}`] = null;
  }
  await sock.authState.keys.set({ 'sender-key': names, 'sender-key-memory': { [groupJid]: null } });
}

/**
 * Hands the group changes WhatsApp announces (the account's own included) to the connection's handlers: a group
 * the account joined or created, participant changes, subject, description and settings. After someone else left
 * or was removed, the account's sender key for the group is dropped first (see rotateOwnSenderKey).
 */
export function onGroupChanges(sock: WASocket, handlers: ConnectionHandlers, logger: pino.Logger): void {
  sock.ev.on('groups.upsert', (groups) => {
    for (const g of groups) {
      const author = (g as { author?: string }).author;
      handlers.onGroupEvent?.({
        kind: 'join',
        groupJid: g.id,
        subject: g.subject ?? null,
        author: author ? normalizeJid(author) : null,
      });
    }
  });
  sock.ev.on('group-participants.update', (update) => {
    const me = sock.user;
    const event = toParticipantsEvent(update, {
      jid: normalizeJid(me?.id ?? ''),
      lid: lidOf(me?.lid ?? null),
    });
    if (
      event.kind === 'participants' &&
      (event.action === 'remove' || event.action === 'leave') &&
      !event.includesMe
    )
      void rotateOwnSenderKey(sock, update.id).catch((err: Error) =>
        logger.warn({ err, group: update.id }, 'could not drop the sender key after a removal'),
      );
    handlers.onGroupEvent?.(event);
  });
  sock.ev.on('groups.update', (updates) => {
    for (const u of updates) {
      const event = toUpdateEvent(u);
      if (event) handlers.onGroupEvent?.(event);
    }
  });
}
