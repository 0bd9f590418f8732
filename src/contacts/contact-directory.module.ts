import { Module } from '@nestjs/common';
import { ContactDirectory } from './contact-directory';
import { ContactStore } from './contact.store';

/** The contacts store and directory, shared by the inbound path (senders, push names) and the contacts module. */
@Module({ providers: [ContactStore, ContactDirectory], exports: [ContactStore, ContactDirectory] })
export class ContactDirectoryModule {}
