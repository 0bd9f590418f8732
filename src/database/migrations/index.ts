import { WhatsappSessions1764000001000 } from './1764000001000-WhatsappSessions';
import { Messages1764000002000 } from './1764000002000-Messages';
import { Webhooks1764000003000 } from './1764000003000-Webhooks';
import { AutoReplyRules1764000004000 } from './1764000004000-AutoReplyRules';
import { DropMessagesWaIdIndex1764000005000 } from './1764000005000-DropMessagesWaIdIndex';
import { SessionsStopped1764000006000 } from './1764000006000-SessionsStopped';
import { StatsRollups1764000007000 } from './1764000007000-StatsRollups';
import { MediaFiles1764000009000 } from './1764000009000-MediaFiles';
import { MessageChanges1764000010000 } from './1764000010000-MessageChanges';
import { MessagesReadByMe1764000008000 } from './1764000008000-MessagesReadByMe';
import { Contacts1764000011000 } from './1764000011000-Contacts';
import { Chats1764000012000 } from './1764000012000-Chats';
import { AutoReplyGroups1764000013000 } from './1764000013000-AutoReplyGroups';
import { MessageReceipts1764000013001 } from './1764000013001-MessageReceipts';
import { Cluster1764000014000 } from './1764000014000-Cluster';
/** Every migration, oldest first. */
export const MIGRATIONS: (new (...args: any[]) => unknown)[] = [
  WhatsappSessions1764000001000,
  Messages1764000002000,
  Webhooks1764000003000,
  AutoReplyRules1764000004000,
  DropMessagesWaIdIndex1764000005000,
  SessionsStopped1764000006000,
  StatsRollups1764000007000,
  MessagesReadByMe1764000008000,
  MediaFiles1764000009000,
  MessageChanges1764000010000,
  Contacts1764000011000,
  Chats1764000012000,
  AutoReplyGroups1764000013000,
  MessageReceipts1764000013001,
  Cluster1764000014000,
];
