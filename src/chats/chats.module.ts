import { Module } from '@nestjs/common';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { ChatReadService } from './chat-read.service';
import { ChatsController } from './chats.controller';
import { PresenceListener } from './presence.listener';
import { PresenceService } from './presence.service';

/** Read state and presence of chats: read receipts, typing indicators, online state, presence subscriptions. */
@Module({
  imports: [WhatsAppModule],
  controllers: [ChatsController],
  providers: [ChatReadService, PresenceService, PresenceListener],
})
export class ChatsModule {}
