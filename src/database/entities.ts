import { AuthCredsEntity } from '../whatsapp/auth-state/auth-creds.entity';
import { AuthKeyEntity } from '../whatsapp/auth-state/auth-key.entity';
import { SessionEntity } from '../whatsapp/sessions/session.entity';
import { MessageEntity } from '../messaging/message.entity';
import { AutoReplyRuleEntity } from '../auto-reply/rule.entity';
import { MediaFileEntity } from '../media/media-file.entity';
import { WEBHOOK_ENTITIES } from '../webhooks/webhook-entities';
/** Every TypeORM entity of the application, listed explicitly (no globs: the CLI, Jest and the build agree). */
export const ENTITIES: (new (...args: any[]) => unknown)[] = [
  SessionEntity,
  AuthCredsEntity,
  AuthKeyEntity,
  MessageEntity,
  AutoReplyRuleEntity,
  ...WEBHOOK_ENTITIES,
  MediaFileEntity,
];
