import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContactDirectoryModule } from '../contacts/contact-directory.module';
import { MediaFilesModule } from '../media/media-files.module';
import { QueueDepths, SentPayloads } from '../whatsapp/sessions/message-ports';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { InboundChanges } from './changes/inbound-changes';
import { MessageChangesService } from './changes/message-changes.service';
import { InboundService } from './inbound/inbound.service';
import { ReceiptsService } from './inbound/receipts.service';
import { MessageSender } from './message-sender';
import { MessageEntity } from './message.entity';
import { MessageEvents } from './message.events';
import { MessageStore } from './message.store';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { SeedMessagingController } from './seed-messaging.controller';
import { MediaDownloads } from './send/media-downloads';
import { MessageQueueService } from './send/message-queue.service';
import { RecipientCheck } from './send/recipient-check';
import { StoredSentPayloads } from './send/stored-sent-payloads';

/**
 * Sending (durable paced queue), receiving (dedup + outbox), receipts and history. Global: MessageSender, and the
 * sessions' ports QueueDepths and SentPayloads.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([MessageEntity]),
    WhatsAppModule,
    MediaFilesModule,
    ContactDirectoryModule,
  ],
  controllers: [MessagesController, SeedMessagingController],
  providers: [
    MessageStore,
    MessageEvents,
    MediaDownloads,
    MessageQueueService,
    RecipientCheck,
    { provide: MessageSender, useExisting: MessageQueueService },
    // The sessions' ports (whatsapp/sessions/message-ports.ts), reached through this module being global.
    { provide: QueueDepths, useExisting: MessageQueueService },
    { provide: SentPayloads, useClass: StoredSentPayloads },
    MessagesService,
    InboundService,
    InboundChanges,
    MessageChangesService,
    ReceiptsService,
  ],
  exports: [
    MessageSender,
    MessagesService,
    InboundService,
    QueueDepths,
    SentPayloads,
    MessageStore,
    MessageEvents,
  ],
})
export class MessagingModule {}
