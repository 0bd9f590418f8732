import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/sql/sql';
import { DomainEvent, newEvent } from '../events/domain-event';
import { EventBus } from '../events/event-bus';
import type { ContactInfo, InboundMessage } from '../whatsapp/engine/engine.types';
import { ContactFacts, ContactRow, ContactStore } from './contact.store';

/** `data` of a `contact.mapped` event: a person's phone number and LID are now known to be one person. */
export interface ContactMappedEventData {
  session: string;
  lid: string;
  phone: string;
  jid: string;
  name: string | null;
  pushName: string | null;
  verifiedName: string | null;
  /** Earlier messages from this person (known then by LID only) that now carry the phone number. */
  messagesUpdated: number;
}

/** A person as events name them: phone JID and digits, and LID, whichever are known. */
export interface PersonRef {
  jid: string | null;
  phone: string | null;
  lid: string | null;
}

const phoneOfJid = (jid: string | null | undefined): string | null =>
  jid?.endsWith('@s.whatsapp.net') ? jid.split('@')[0].split(':')[0] : null;
const lidOfJid = (jid: string | null | undefined): string | null =>
  jid?.endsWith('@lid') ? `${jid.split('@')[0].split(':')[0]}@lid` : null;

/**
 * The session's directory of people, fed from what WhatsApp says (engine contact events, the senders and push
 * names of incoming messages). Its methods are statements of the caller's write transaction: a mapping learnt
 * there gives the sender's earlier messages their phone number and records `contact.mapped` in the same
 * transaction (the webhook outbox), returned for the caller to emit after the commit. The directory's state
 * decides whether a pair is new, so each mapping is announced once, whichever way it arrives first.
 */
@Injectable()
export class ContactDirectory {
  constructor(
    readonly store: ContactStore,
    private readonly bus: EventBus,
  ) {}

  *learn(sessionId: string, facts: ContactFacts, now = Date.now()): Sql<DomainEvent[]> {
    return (yield* this.learnRow(sessionId, facts, now)).events;
  }

  /** learn(), also answering the person's row as it is now (undefined without a phone or LID). */
  private *learnRow(
    sessionId: string,
    facts: ContactFacts,
    now = Date.now(),
  ): Sql<{ row: ContactRow | undefined; events: DomainEvent[] }> {
    const learnt = yield* this.store.learn(sessionId, facts, now);
    if (!learnt?.mapped) return { row: learnt?.row, events: [] };
    const { row } = learnt;
    const messagesUpdated = yield* this.store.fillSenderPhone(sessionId, row.lid!, row.phone!);
    const data: ContactMappedEventData = {
      session: sessionId,
      lid: row.lid!,
      phone: row.phone!,
      jid: `${row.phone}@s.whatsapp.net`,
      name: row.name,
      pushName: row.pushName,
      verifiedName: row.verifiedName,
      messagesUpdated,
    };
    const event = newEvent('contact.mapped', sessionId, data);
    yield* this.bus.record(event);
    return { row, events: [event] };
  }

  /** What the engine reported about people. */
  *learnAll(sessionId: string, contacts: ContactInfo[]): Sql<DomainEvent[]> {
    const events: DomainEvent[] = [];
    for (const c of contacts) {
      const facts: ContactFacts = { phone: phoneOfJid(c.phoneJid), lid: lidOfJid(c.lid) };
      if (c.name) facts.name = c.name;
      if (c.pushName) facts.pushName = c.pushName;
      if (c.verifiedName) facts.verifiedName = c.verifiedName;
      events.push(...(yield* this.learn(sessionId, facts)));
    }
    return events;
  }

  /**
   * An incoming message's sender with both identities where the directory knows the other one, after learning
   * what the message itself says (its sender's push name, and the mapping when its envelope carried both).
   */
  *sender(
    sessionId: string,
    m: InboundMessage,
  ): Sql<{ phone: string | null; lid: string | null; events: DomainEvent[] }> {
    let phone = m.senderPhone;
    let lid = m.senderLid;
    if (m.fromMe || (!phone && !lid)) return { phone, lid, events: [] };
    const { row, events } = yield* this.learnRow(sessionId, {
      phone,
      lid,
      ...(m.pushName ? { pushName: m.pushName } : {}),
    });
    phone ??= row?.phone ?? null;
    lid ??= row?.lid ?? null;
    return { phone, lid, events };
  }

  /** A chat's person (a phone JID or a LID) with both identities where known; null for groups and others. */
  *person(sessionId: string, jid: string): Sql<PersonRef | null> {
    const phone = phoneOfJid(jid);
    const lid = lidOfJid(jid);
    if (!phone && !lid) return null;
    let row: ContactRow | undefined;
    if (phone) row = yield* this.store.byPhone(sessionId, phone);
    else row = yield* this.store.byLid(sessionId, lid!);
    const p = phone ?? row?.phone ?? null;
    return { jid: p ? `${p}@s.whatsapp.net` : null, phone: p, lid: lid ?? row?.lid ?? null };
  }
}
