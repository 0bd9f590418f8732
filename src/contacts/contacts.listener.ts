import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { EventBus } from '../events/event-bus';
import { ENGINE_CONTACTS, EngineContactsEvent } from '../whatsapp/sessions/engine-events';
import { ContactDirectory } from './contact-directory';

/**
 * What the engine reports about people (mappings, address-book names, push names) goes into the directory;
 * a new phone ↔ LID mapping becomes `contact.mapped` (webhooks, Socket.IO).
 *
 * Written as the report comes, in order with the session's incoming messages (one write lane): a message
 * stored after its sender's mapping gets both identities, one stored before gets its phone from the mapping's
 * write. WhatsApp's mapping also stays in the session's Signal store, so a mapping lost to a crash before this
 * write is given again the next time it is needed (and a message carrying it records it itself).
 */
@Injectable()
export class ContactsListener {
  private readonly logger = new Logger(ContactsListener.name);

  constructor(
    private readonly directory: ContactDirectory,
    private readonly bus: EventBus,
  ) {}

  @OnEvent(ENGINE_CONTACTS)
  onContacts({ sessionId, contacts }: EngineContactsEvent): void {
    this.directory.store
      .write(() => this.directory.learnAll(sessionId, contacts))
      .then(
        (events) => events.forEach((e) => this.bus.emit(e)),
        (err: Error) => this.logger.error(`[${sessionId}] contacts not stored: ${err.message}`),
      );
  }
}
