import { aesEncryptGCM, hmacSign, proto, sha256 } from '@whiskeysockets/baileys';
import { randomBytes } from 'node:crypto';
import { pnJid } from './context';
import type { RecordedMessage } from './message-record';

/**
 * What a contact sends to change an earlier message (edit, delete for everyone, reaction, poll vote), built the
 * way a WhatsApp client builds them; and what a contact's phone does with the account's edits and deletes of
 * messages it received.
 */

const Type = proto.Message.ProtocolMessage.Type;

/** The key of a message in the contact's chat with the account, as the contact sees it. */
function keyFor(account: string, id: string, fromMe: boolean): proto.IMessageKey {
  return { remoteJid: pnJid(account), fromMe, id };
}

/** The contact edits the text of a message it sent. */
export function editMessage(account: string, targetId: string, text: string): proto.IMessage {
  return {
    protocolMessage: {
      key: keyFor(account, targetId, true),
      type: Type.MESSAGE_EDIT,
      editedMessage: { conversation: text },
      timestampMs: Date.now(),
    },
  };
}

/** The contact deletes a message it sent, for everyone. */
export function revokeMessage(account: string, targetId: string): proto.IMessage {
  return { protocolMessage: { key: keyFor(account, targetId, true), type: Type.REVOKE } };
}

/** The contact reacts to a message (its own: `ownMessage`); an empty emoji removes its reaction. */
export function reactionMessage(
  account: string,
  targetId: string,
  emoji: string,
  ownMessage: boolean,
): proto.IMessage {
  return {
    reactionMessage: {
      key: keyFor(account, targetId, ownMessage),
      text: emoji,
      senderTimestampMs: Date.now(),
    },
  };
}

/**
 * The contact votes in a poll the account sent it: the chosen options' SHA-256, encrypted with AES-GCM under a
 * key derived from the poll's secret, the poll's id, its creator and the voter (the inverse of Baileys'
 * `decryptPollVote`; Baileys has no encrypting counterpart, so it is written here).
 */
export function pollVoteMessage(poll: RecordedMessage, contact: string, options: string[]): proto.IMessage {
  if (poll.kind !== 'poll' || !poll.poll) throw new Error(`message ${poll.id} is not a poll`);
  const unknown = options.filter((o) => !poll.poll!.options.includes(o));
  if (unknown.length) throw new Error(`the poll has no option ${JSON.stringify(unknown[0])}`);
  const creator = pnJid(poll.fromAccount);
  const voter = pnJid(contact);
  const plain = proto.Message.PollVoteMessage.encode({
    selectedOptions: options.map((o) => sha256(Buffer.from(o))),
  }).finish();
  const sign = Buffer.concat([
    Buffer.from(poll.id),
    Buffer.from(creator),
    Buffer.from(voter),
    Buffer.from('Poll Vote'),
    new Uint8Array([1]),
  ]);
  const key0 = hmacSign(Buffer.from(poll.poll.secret, 'base64'), new Uint8Array(32), 'sha256');
  const encKey = hmacSign(sign, key0, 'sha256');
  const encIv = randomBytes(12);
  const encPayload = aesEncryptGCM(plain, encKey, encIv, Buffer.from(`${poll.id}\u0000${voter}`));
  return {
    pollUpdateMessage: {
      pollCreationMessageKey: keyFor(poll.fromAccount, poll.id, false),
      vote: { encPayload, encIv },
      senderTimestampMs: Date.now(),
    },
  };
}

/**
 * The account's edit or delete of a message the contact received, applied to the contact's record of it (as
 * the contact's phone shows the new text, or the message deleted). Returns the changed record, if any.
 */
export function applyToReceived(
  received: RecordedMessage[],
  fromAccount: string,
  message: proto.IMessage,
): RecordedMessage | null {
  const p = message.protocolMessage;
  const targetId = p?.key?.id;
  if (!p || !targetId) return null;
  const target = received.find((r) => r.id === targetId && r.fromAccount === fromAccount);
  if (!target) return null;
  if (p.type === Type.MESSAGE_EDIT) {
    const edited = p.editedMessage;
    const text = edited?.conversation ?? edited?.extendedTextMessage?.text;
    if (text == null || target.revokedAt) return null;
    target.edits = [...(target.edits ?? []), { text: target.text ?? '', at: Date.now() }];
    target.text = text;
    target.editedAt = Date.now();
    return target;
  }
  if (p.type === Type.REVOKE) {
    if (target.revokedAt) return null;
    target.revokedAt = Date.now();
    delete target.text;
    delete target.caption;
    delete target.edits;
    return target;
  }
  return null;
}
