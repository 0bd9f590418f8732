import { InitialSchema1764000007000 } from './1764000007000-InitialSchema';
import { StatsRollupTriggers1764000007001 } from './1764000007001-StatsRollupTriggers';
import { MessagesReadByMe1764000008000 } from './1764000008000-MessagesReadByMe';
import { MediaFiles1764000009000 } from './1764000009000-MediaFiles';
import { MessageChanges1764000010000 } from './1764000010000-MessageChanges';
import { Contacts1764000011000 } from './1764000011000-Contacts';
import { Chats1764000012000 } from './1764000012000-Chats';
import { AutoReplyGroups1764000013000 } from './1764000013000-AutoReplyGroups';
import { MessageReceipts1764000013001 } from './1764000013001-MessageReceipts';
import { Cluster1764000014000 } from './1764000014000-Cluster';
import { SOCKET_IO_ATTACHMENTS, SocketIoAttachments1764000015000 } from './1764000015000-SocketIoAttachments';

/**
 * Every PostgreSQL migration, oldest first. The set starts at SQLite's schema after 1764000007000; a later
 * schema change gets a migration here and one in `../../migrations/`, and the schema test compares the two.
 */
export const POSTGRES_MIGRATIONS: (new (...args: any[]) => unknown)[] = [
  InitialSchema1764000007000,
  StatsRollupTriggers1764000007001,
  MessagesReadByMe1764000008000,
  MediaFiles1764000009000,
  MessageChanges1764000010000,
  Contacts1764000011000,
  Chats1764000012000,
  AutoReplyGroups1764000013000,
  MessageReceipts1764000013001,
  Cluster1764000014000,
  SocketIoAttachments1764000015000,
];

/** Tables of PostgreSQL that SQLite does not have: not gateway data (never copied, compared or backed up as such). */
export const POSTGRES_ONLY_TABLES: readonly string[] = [SOCKET_IO_ATTACHMENTS];

/**
 * Tables of the cluster's live state (nodes and their heartbeats, session leases): never copied from SQLite,
 * where they are always empty (one process owns every session), and rebuilt by the nodes as they start.
 */
export const CLUSTER_STATE_TABLES: readonly string[] = ['cluster_nodes', 'session_leases'];
