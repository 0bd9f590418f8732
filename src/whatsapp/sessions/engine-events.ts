import type { ChatSync, ContactInfo, InboundMessage, PresenceUpdate, Receipt } from '../engine/engine.types';
import type { GroupEvent } from '../engine/group.types';

/** In-process events for the messaging module (not part of the public event catalogue). */
export const ENGINE_MESSAGES = 'engine.messages';
export const ENGINE_RECEIPTS = 'engine.receipts';
export interface EngineMessagesEvent {
  sessionId: string;
  messages: InboundMessage[];
  live: boolean;
}
export interface EngineReceiptsEvent {
  sessionId: string;
  receipts: Receipt[];
}
export const ENGINE_PRESENCE = 'engine.presence';
export interface EnginePresenceEvent {
  sessionId: string;
  update: PresenceUpdate;
}

export const ENGINE_CONTACTS = 'engine.contacts';
export interface EngineContactsEvent {
  sessionId: string;
  contacts: ContactInfo[];
}

export const ENGINE_CHATS = 'engine.chats';
export interface EngineChatsEvent {
  sessionId: string;
  chats: ChatSync[];
}

export const ENGINE_GROUP = 'engine.group';
export interface EngineGroupEvent {
  sessionId: string;
  event: GroupEvent;
}
