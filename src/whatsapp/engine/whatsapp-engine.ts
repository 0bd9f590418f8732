import type { AuthStateStore } from './auth-state-store';
import type {
  AccountIdentity,
  BlockedPerson,
  ChatState,
  ChatSync,
  CloseInfo,
  ContactInfo,
  ContactLookup,
  InboundMessage,
  MediaDownloadRef,
  OutgoingContent,
  OwnPresence,
  PollVoteContext,
  EncryptedPollVote,
  PresenceUpdate,
  ReadTarget,
  Receipt,
  SendOptions,
  SendResult,
  WaVersion,
} from './engine.types';
import type { GroupEvent, GroupRequest, GroupResult } from './group.types';

/** What a connection reports; every callback may fire many times. */
export interface ConnectionHandlers {
  onQr(qr: string): void;
  onOpen(me: AccountIdentity): void;
  onClose(info: CloseInfo): void;
  /**
   * `live` is false for messages replayed from the offline queue or history. Resolves once the messages are
   * stored: only then does WhatsApp get their receipts, so a crash before the commit cannot lose one (WhatsApp
   * delivers what was not acknowledged again). A rejection leaves them unacknowledged.
   */
  onMessages(messages: InboundMessage[], live: boolean): Promise<void>;
  /** Resolves once the status changes are stored; the receipts are acknowledged to WhatsApp only then. */
  onReceipts(receipts: Receipt[]): Promise<void>;
  /** The stored payload of a message we sent, for the engine's retry handling; undefined if unknown. */
  loadSentPayload?(waMessageId: string): Promise<string | undefined>;
  /** A subscribed contact's presence or chat state (see `EngineConnection.subscribePresence`). */
  onPresence?(update: PresenceUpdate): void;
  /**
   * People WhatsApp told about: a phone JID ↔ LID mapping it learned (from a message's envelope, a usync
   * answer, history sync), names from the address book, push names, verified business names.
   */
  onContacts?(contacts: ContactInfo[]): void;
  /** What WhatsApp's sync says about chats: archived, pinned, muted, name. */
  onChats?(chats: ChatSync[]): void;
  /** A group change WhatsApp announced (the account joined or left, participants, subject, settings). */
  onGroupEvent?(event: GroupEvent): void;
}

/**
 * One live connection of one session. Never reused after it closes. A call cut short because the connection
 * went away rejects with `ConnectionLost` (engine-errors.ts).
 */
export interface EngineConnection {
  send(
    jid: string,
    content: OutgoingContent,
    options?: SendOptions,
  ): Promise<SendResult & { payload?: string }>;
  requestPairingCode(phone: string): Promise<string>;
  lookup(phone: string): Promise<ContactLookup>;
  /** Sends read receipts for messages the chat's people sent (resolves once they are written). */
  markRead(chatJid: string, messages: ReadTarget[]): Promise<void>;
  /** Shows the chat that the account is typing, recording or has paused. */
  sendChatState(chatJid: string, state: ChatState): Promise<void>;
  /** The account's own online state; rejects with `NoProfileName` when the account has no name to show. */
  sendPresence(state: OwnPresence): Promise<void>;
  /**
   * Asks WhatsApp for a person's presence: their current one and changes arrive through `onPresence`, for as
   * long as this connection lives.
   */
  subscribePresence(jid: string): Promise<void>;
  /** The URL of a person's profile picture; null when they have none (or do not show it to the account). */
  profilePicture(jid: string): Promise<string | null>;
  /** Blocks or unblocks a person (phone JID or LID). */
  setBlocked(jid: string, blocked: boolean): Promise<void>;
  /** The account's block list. */
  blocklist(): Promise<BlockedPerson[]>;
  /** Runs a group request; WhatsApp's refusals reject with `WhatsAppRefused` (engine-errors.ts). */
  group<R extends GroupRequest>(request: R): Promise<GroupResult<R>>;
  /** Unlinks the device from the account (the phone shows it removed). */
  logout(): Promise<void>;
  /**
   * Closes without unlinking; `onClose` fires with kind `stopped`. The server's closing handshake is given a
   * moment; with `cut`, the socket is destroyed at once (a connection that must be gone now).
   */
  end(opts?: { cut?: boolean }): void;
  /** Milliseconds since the last frame arrived from WhatsApp (for the watchdog). */
  idleMs(): number;
  /** True once the account is linked (credentials carry an identity). */
  isLinked(): boolean;
}

export interface ConnectOptions {
  sessionId: string;
  store: AuthStateStore;
  handlers: ConnectionHandlers;
  /** The WhatsApp Web version to log in with; default: the engine's built-in one. */
  version?: WaVersion;
}

/** The port to WhatsApp. The class is the DI token; `BaileysEngine` is the implementation. */
export abstract class WhatsAppEngine {
  abstract connect(options: ConnectOptions): Promise<EngineConnection>;
  /** Reads a legacy Baileys multi-file auth folder into the store (for `npm run session:import`). */
  abstract importAuthFolder(dir: string, store: AuthStateStore): Promise<AccountIdentity | null>;
  /** Whether stored credentials describe a linked account. */
  abstract isLinked(store: AuthStateStore): Promise<boolean>;
  /** The WhatsApp Web version the engine ships with (used when none is fetched or pinned). */
  abstract builtinVersion(): WaVersion;
  /**
   * Fetches an incoming message's file from WhatsApp's media host and decrypts it (no connection needed).
   * Rejects with `MediaDownloadFailed` (media-download-failed.ts), never with more than `maxBytes` read.
   */
  abstract downloadMedia(ref: MediaDownloadRef, options: { maxBytes: number }): Promise<Buffer>;
  /**
   * Decrypts a poll vote with its poll's secret (no connection needed): the names of the options chosen (empty:
   * the vote was withdrawn), or null when no combination of the given JIDs opens it.
   */
  abstract decryptPollVote(vote: EncryptedPollVote, context: PollVoteContext): string[] | null;
}
