import { Module } from '@nestjs/common';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { ChatListController } from './chat-list.controller';
import { ChatListService } from './chat-list.service';
import { ChatReadService } from './chat-read.service';
import { ChatSyncListener } from './chat-sync.listener';
import { ChatStore } from './chat.store';
import { ChatsController } from './chats.controller';
import { PresenceListener } from './presence.listener';
import { PresenceService } from './presence.service';

/** The chat list, and read state and presence of chats: read receipts, typing indicators, online state, presence subscriptions. */
@Module({
  imports: [WhatsAppModule],
  controllers: [ChatsController, ChatListController],
  providers: [
    ChatStore,
    ChatSyncListener,
    ChatListService,
    ChatReadService,
    PresenceService,
    PresenceListener,
  ],
})
export class ChatsModule {}
