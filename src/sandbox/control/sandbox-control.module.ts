import { Module } from '@nestjs/common';
import { WhatsAppModule } from '../../whatsapp/whatsapp.module';
import { SandboxControlController } from './sandbox-control.controller';
import { SandboxControlService } from './sandbox-control.service';
import { SandboxGroupsController } from './sandbox-groups.controller';
import { SandboxGroupsService } from './sandbox-groups.service';

/** The sandbox control routes; imported only when SANDBOX=true. */
@Module({
  imports: [WhatsAppModule],
  controllers: [SandboxControlController, SandboxGroupsController],
  providers: [SandboxControlService, SandboxGroupsService],
})
export class SandboxControlModule {}
