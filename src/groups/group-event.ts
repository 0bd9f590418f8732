import type { EventType } from '../events/domain-event';
import type { GroupEvent } from '../whatsapp/engine/group.types';

/** Who made a change: a person's JID and phone (null when WhatsApp did not say). */
export interface GroupActor {
  jid: string;
  phone: string | null;
}

const actor = (jid: string | null): GroupActor | null =>
  jid ? { jid, phone: jid.endsWith('@s.whatsapp.net') ? jid.split('@')[0] : null } : null;

/**
 * A group change WhatsApp announced, as the public event: `group.join` (the account was added or created the
 * group), `group.leave` (it left or was removed), `group.participants` (others added, removed, left, promoted,
 * demoted), `group.update` (subject, description, settings, invite link). `by` is who did it.
 */
export function toGroupEvent(
  session: string,
  e: GroupEvent,
): { type: EventType; data: Record<string, unknown> } {
  if (e.kind === 'join')
    return {
      type: 'group.join',
      data: { session, group: e.groupJid, subject: e.subject, by: actor(e.author) },
    };
  if (e.kind === 'update')
    return {
      type: 'group.update',
      data: { session, group: e.groupJid, changes: e.changes, by: actor(e.author) },
    };
  if (e.includesMe && e.action === 'add')
    return { type: 'group.join', data: { session, group: e.groupJid, subject: null, by: actor(e.author) } };
  if (e.includesMe && (e.action === 'remove' || e.action === 'leave'))
    return {
      type: 'group.leave',
      data: {
        session,
        group: e.groupJid,
        reason: e.action === 'leave' ? 'left' : 'removed',
        by: actor(e.author),
      },
    };
  return {
    type: 'group.participants',
    data: {
      session,
      group: e.groupJid,
      action: e.action,
      participants: e.participants,
      by: actor(e.author),
    },
  };
}
