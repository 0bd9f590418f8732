/** Groups in the engine's own terms (no Baileys types): requests a connection runs, and what WhatsApp reports. */

export type GroupRole = 'member' | 'admin' | 'superadmin';

export interface GroupParticipant {
  jid: string;
  phone: string | null;
  lid: string | null;
  role: GroupRole;
}

export interface GroupSettings {
  /** Only admins send messages. */
  announcementOnly: boolean;
  /** Only admins edit the subject, description and picture. */
  locked: boolean;
  /** New members need an admin's approval. */
  approvalRequired: boolean;
}

export interface GroupInfo {
  jid: string;
  subject: string;
  description: string | null;
  /** The creator's JID. */
  owner: string | null;
  /** Unix seconds. */
  createdAt: number | null;
  size: number;
  settings: GroupSettings;
  participants: GroupParticipant[];
}

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';
export type GroupSettingChange = 'announcement' | 'not_announcement' | 'locked' | 'unlocked';

/** One participant's outcome: WhatsApp's status (`200`, or e.g. `403` its privacy refuses, `409` already in). */
export interface ParticipantOutcome {
  jid: string;
  status: number;
}

export type GroupRequest =
  | { op: 'list' }
  | { op: 'create'; subject: string; participants: string[] }
  | { op: 'get'; jid: string }
  | { op: 'subject'; jid: string; subject: string }
  | { op: 'description'; jid: string; description: string | null }
  | { op: 'setting'; jid: string; setting: GroupSettingChange }
  | { op: 'approval'; jid: string; on: boolean }
  | { op: 'participants'; jid: string; action: ParticipantAction; participants: string[] }
  | { op: 'invite'; jid: string; revoke: boolean }
  | { op: 'join'; code: string }
  | { op: 'leave'; jid: string }
  | { op: 'picture'; jid: string };

/** What each request answers. */
export interface GroupResults {
  list: GroupInfo[];
  create: GroupInfo;
  get: GroupInfo;
  subject: void;
  description: void;
  setting: void;
  approval: void;
  participants: ParticipantOutcome[];
  invite: string;
  join: string;
  leave: void;
  picture: string | null;
}

export type GroupResult<R extends GroupRequest> = GroupResults[R['op']];

/** A group change WhatsApp announced (to every member's devices, the account's own changes included). */
export type GroupEvent =
  | { kind: 'join'; groupJid: string; subject: string | null; author: string | null }
  | {
      kind: 'participants';
      groupJid: string;
      action: ParticipantAction | 'leave';
      participants: { jid: string; phone: string | null; lid: string | null }[];
      author: string | null;
      /** The account itself is among the participants. */
      includesMe: boolean;
    }
  | {
      kind: 'update';
      groupJid: string;
      changes: Partial<{ subject: string; description: string | null; inviteCode: string } & GroupSettings>;
      author: string | null;
    };
