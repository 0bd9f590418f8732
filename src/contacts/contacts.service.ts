import { Injectable } from '@nestjs/common';
import { BadRequestError, DomainError } from '../common/errors/domain-error';
import { engineCall } from '../chats/engine-call';
import { SessionNotFound } from '../whatsapp/sessions/session.errors';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import { ContactStore } from './contact.store';
import {
  BlocklistView,
  BlockView,
  ContactPage,
  decodeContactCursor,
  encodeContactCursor,
  ListContactsQuery,
  ProfilePictureView,
  toContactView,
} from './dto/contacts.dto';
import { parsePerson, PersonParam } from './person-param';

/** The contact directory (stored), and what WhatsApp answers about people live: pictures, the block list. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly store: ContactStore,
    private readonly sessions: SessionsFacade,
  ) {}

  async list(sessionId: string, q: ListContactsQuery): Promise<ContactPage> {
    this.requireSession(sessionId);
    const afterSeq = q.cursor ? decodeContactCursor(q.cursor) : undefined;
    if (q.cursor && afterSeq == null)
      throw new BadRequestError('Invalid cursor', 'cursor must be a nextCursor value from a previous page');
    const limit = q.limit ?? 50;
    const rows = await this.store.page(sessionId, {
      afterSeq: afterSeq ?? undefined,
      limit: limit + 1,
      search: q.search?.trim() || undefined,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(toContactView),
      nextCursor: rows.length > limit ? encodeContactCursor(page[page.length - 1].seq) : null,
    };
  }

  async picture(sessionId: string, phone: string): Promise<ProfilePictureView> {
    const person = await this.resolve(sessionId, phone);
    const conn = this.sessions.connection(sessionId);
    const url = await engineCall('Profile picture', () => conn.profilePicture(person.jid));
    if (!url)
      throw new DomainError(
        404,
        'No profile picture',
        `${person.jid} has no profile picture, or does not show it to this account`,
      );
    return { session: sessionId, jid: person.jid, url };
  }

  async setBlocked(sessionId: string, phone: string, blocked: boolean): Promise<BlockView> {
    const person = await this.resolve(sessionId, phone);
    const conn = this.sessions.connection(sessionId);
    // WhatsApp blocks by LID and wants the phone number with it: a LID whose number is unknown cannot be blocked.
    if (blocked && !person.phone)
      throw new DomainError(
        409,
        'Phone number unknown',
        `WhatsApp needs the phone number to block ${person.jid}; it is not known yet`,
      );
    await engineCall(blocked ? 'Block' : 'Unblock', () => conn.setBlocked(person.jid, blocked));
    return { session: sessionId, jid: person.jid, blocked };
  }

  async blocklist(sessionId: string): Promise<BlocklistView> {
    const conn = this.sessions.connection(sessionId);
    const people = await engineCall('Block list', () => conn.blocklist());
    return {
      session: sessionId,
      items: people.map((p) => ({
        phone: p.phoneJid ? p.phoneJid.split('@')[0] : null,
        jid: p.phoneJid,
        lid: p.lid,
      })),
    };
  }

  /** The person the path names, as a phone JID whenever the directory knows the number of a LID. */
  private async resolve(sessionId: string, phone: string): Promise<PersonParam> {
    this.requireSession(sessionId);
    const person = parsePerson(phone);
    if (person.phone || !person.lid) return person;
    const row = await this.store.find(sessionId, { lid: person.lid });
    return row?.phone ? { jid: `${row.phone}@s.whatsapp.net`, phone: row.phone, lid: person.lid } : person;
  }

  private requireSession(sessionId: string): void {
    if (!this.sessions.has(sessionId)) throw new SessionNotFound(sessionId);
  }
}
