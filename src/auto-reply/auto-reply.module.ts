import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { AutoReplyListener } from './auto-reply.listener';
import { ReplyLimiter } from './reply-limiter';
import { AutoReplyRuleEntity } from './rule.entity';
import { AutoReplyRulesController } from './rules.controller';
import { AutoReplyRulesService } from './rules.service';

/** Auto-reply rules (CRUD, dry run) and their evaluation on every incoming message. */
@Module({
  imports: [TypeOrmModule.forFeature([AutoReplyRuleEntity])],
  controllers: [AutoReplyRulesController],
  providers: [
    AutoReplyRulesService,
    AutoReplyListener,
    {
      provide: ReplyLimiter,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new ReplyLimiter(config.AUTO_REPLY_MAX_PER_CHAT_PER_MINUTE),
    },
  ],
})
export class AutoReplyModule {}
