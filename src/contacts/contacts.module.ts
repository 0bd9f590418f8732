import { Module } from '@nestjs/common';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { ContactDirectoryModule } from './contact-directory.module';
import { ContactsController } from './contacts.controller';
import { ContactsListener } from './contacts.listener';
import { ContactsService } from './contacts.service';

/** The contact directory (phone numbers, LIDs, names), profile pictures, blocking and the block list. */
@Module({
  imports: [WhatsAppModule, ContactDirectoryModule],
  controllers: [ContactsController],
  providers: [ContactsService, ContactsListener],
})
export class ContactsModule {}
