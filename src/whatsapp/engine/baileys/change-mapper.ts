import { proto } from '@whiskeysockets/baileys';
import type { MessageChange, PollInfo } from '../engine.types';

function num(v: unknown): number | null {
  if (v == null) return null;
  const n = typeof v === 'object' && v && 'toNumber' in v ? (v as any).toNumber() : Number(v);
  return Number.isFinite(n) ? n : null;
}

function b64(v: unknown): string {
  if (typeof v === 'string') return v;
  return v instanceof Uint8Array ? Buffer.from(v).toString('base64') : '';
}

/** The text an edit gives its message (a text, or a media caption). */
function editedText(m: proto.IMessage | null | undefined): string | null {
  if (!m) return null;
  return (
    m.conversation ??
    m.extendedTextMessage?.text ??
    m.imageMessage?.caption ??
    m.videoMessage?.caption ??
    m.documentMessage?.caption ??
    null
  );
}

/**
 * What a change message (edit, revoke, reaction, poll vote) does to its target; null for every other protocol
 * message (key shares, history sync notices, ...), which carries nothing for the gateway. `sentAt`: unix
 * seconds of the change message; `fromMe`: the account sent it (from one of its devices).
 */
export function changeOf(
  kind: string,
  content: proto.IMessage,
  sentAt: number,
  fromMe: boolean,
): MessageChange | null {
  if (kind === 'protocolMessage') {
    const p = content.protocolMessage;
    const targetId = p?.key?.id;
    if (!p || !targetId) return null;
    const at = (num(p.timestampMs) ?? sentAt * 1000) || sentAt * 1000;
    if (p.type === proto.Message.ProtocolMessage.Type.REVOKE)
      return { kind: 'revoke', targetId, revokedAt: sentAt * 1000 };
    if (p.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) {
      const text = editedText(p.editedMessage);
      return text == null ? null : { kind: 'edit', targetId, text, editedAt: at };
    }
    return null;
  }
  if (kind === 'reactionMessage') {
    const r = content.reactionMessage;
    const targetId = r?.key?.id;
    if (!r || !targetId) return null;
    // The key is as the reacting person sees it: from a contact, `fromMe` means the contact's own message.
    const targetFromMe = fromMe ? Boolean(r.key!.fromMe) : !r.key!.fromMe;
    const at = num(r.senderTimestampMs) ?? sentAt * 1000;
    return { kind: 'reaction', targetId, targetFromMe, emoji: r.text ?? '', reactedAt: at };
  }
  if (kind === 'pollUpdateMessage') {
    const u = content.pollUpdateMessage;
    const targetId = u?.pollCreationMessageKey?.id;
    if (!u || !targetId || !u.vote?.encPayload || !u.vote.encIv) return null;
    return {
      kind: 'poll_vote',
      targetId,
      vote: { encPayload: b64(u.vote.encPayload), encIv: b64(u.vote.encIv) },
      votedAt: num(u.senderTimestampMs) ?? sentAt * 1000,
    };
  }
  return null;
}

/** A poll creation message's question and options. */
export function pollOf(kind: string, content: proto.IMessage): PollInfo | undefined {
  const p =
    kind === 'pollCreationMessage'
      ? content.pollCreationMessage
      : kind === 'pollCreationMessageV2'
        ? content.pollCreationMessageV2
        : kind === 'pollCreationMessageV3'
          ? content.pollCreationMessageV3
          : null;
  if (!p) return undefined;
  return {
    question: p.name ?? '',
    options: (p.options ?? []).map((o) => o.optionName ?? ''),
    selectableCount: p.selectableOptionsCount ?? 0,
  };
}
