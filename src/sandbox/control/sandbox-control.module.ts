import { Module } from '@nestjs/common';
import { WhatsAppModule } from '../../whatsapp/whatsapp.module';
import { SandboxControlController } from './sandbox-control.controller';
import { SandboxControlService } from './sandbox-control.service';

/** The sandbox control routes; imported only when SANDBOX=true. */
@Module({
  imports: [WhatsAppModule],
  controllers: [SandboxControlController],
  providers: [SandboxControlService],
})
export class SandboxControlModule {}
