import { Module } from '@nestjs/common';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { GroupEventsListener } from './group-events.listener';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

/** Groups of a session's account: list, create, inspect, change, invite, join, leave; and their events. */
@Module({
  imports: [WhatsAppModule],
  controllers: [GroupsController],
  providers: [GroupsService, GroupEventsListener],
})
export class GroupsModule {}
