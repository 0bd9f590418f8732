import { Injectable } from '@nestjs/common';
import { engineCall } from '../chats/engine-call';
import { BadRequestError } from '../common/errors/domain-error';
import { toJid } from '../messaging/recipient';
import type { GroupInfo, GroupRequest, GroupResult, ParticipantAction } from '../whatsapp/engine/group.types';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import type {
  CreateGroupDto,
  GroupListView,
  GroupSummaryView,
  GroupView,
  InviteView,
  JoinedView,
  LeftView,
  ParticipantsResultView,
  PictureView,
  UpdateGroupDto,
} from './dto/groups.dto';
import { inviteCodeOf, toGroupJid } from './group-id';
import { groupRefusal, participantReason } from './group-refusal';

/** Person JIDs of a request's participants: phone numbers or `@s.whatsapp.net` / `@lid` JIDs, never groups. */
function peopleJids(participants: string[]): string[] {
  return participants.map((p, i) => {
    const jid = toJid(p);
    if (jid.endsWith('@g.us'))
      throw new BadRequestError('Invalid participant', `participants[${i}]: a person, not a group`);
    return jid;
  });
}

/** The groups of a session's account, through its live connection (WhatsApp holds them; nothing is cached). */
@Injectable()
export class GroupsService {
  constructor(private readonly sessions: SessionsFacade) {}

  async list(session: string): Promise<GroupListView> {
    const groups = await this.run(session, null, { op: 'list' });
    const me = this.me(session);
    return { session, items: groups.map((g) => this.summary(g, me)) };
  }

  async create(session: string, dto: CreateGroupDto): Promise<GroupView> {
    const info = await this.run(session, null, {
      op: 'create',
      subject: dto.subject,
      participants: peopleJids(dto.participants),
    });
    return this.view(session, info);
  }

  async get(session: string, groupId: string): Promise<GroupView> {
    const jid = toGroupJid(groupId);
    return this.view(session, await this.run(session, jid, { op: 'get', jid }));
  }

  /** Applies the subject, description and settings given, in that order; answers the group as it is then. */
  async update(session: string, groupId: string, dto: UpdateGroupDto): Promise<GroupView> {
    const jid = toGroupJid(groupId);
    const s = dto.settings ?? {};
    if (
      dto.subject === undefined &&
      dto.description === undefined &&
      !Object.values(s).some((v) => v !== undefined)
    )
      throw new BadRequestError('Nothing to update', 'Give subject, description or settings');
    if (dto.subject !== undefined) await this.run(session, jid, { op: 'subject', jid, subject: dto.subject });
    if (dto.description !== undefined)
      await this.run(session, jid, { op: 'description', jid, description: dto.description || null });
    if (s.announcementOnly !== undefined)
      await this.run(session, jid, {
        op: 'setting',
        jid,
        setting: s.announcementOnly ? 'announcement' : 'not_announcement',
      });
    if (s.locked !== undefined)
      await this.run(session, jid, { op: 'setting', jid, setting: s.locked ? 'locked' : 'unlocked' });
    if (s.approvalRequired !== undefined)
      await this.run(session, jid, { op: 'approval', jid, on: s.approvalRequired });
    return this.get(session, jid);
  }

  async participants(
    session: string,
    groupId: string,
    action: ParticipantAction,
    participants: string[],
  ): Promise<ParticipantsResultView> {
    const jid = toGroupJid(groupId);
    const outcomes = await this.run(session, jid, {
      op: 'participants',
      jid,
      action,
      participants: peopleJids(participants),
    });
    return {
      session,
      group: jid,
      action,
      results: outcomes.map((o) => ({
        jid: o.jid,
        ok: o.status === 200,
        status: o.status,
        reason: participantReason(action, o.status),
      })),
    };
  }

  async invite(session: string, groupId: string, revoke: boolean): Promise<InviteView> {
    const jid = toGroupJid(groupId);
    const code = await this.run(session, jid, { op: 'invite', jid, revoke });
    return { group: jid, code, link: `https://chat.whatsapp.com/${code}` };
  }

  async join(session: string, code: string): Promise<JoinedView> {
    const group = await this.run(session, null, { op: 'join', code: inviteCodeOf(code) });
    return { session, group };
  }

  async leave(session: string, groupId: string): Promise<LeftView> {
    const jid = toGroupJid(groupId);
    await this.run(session, jid, { op: 'leave', jid });
    return { session, group: jid, left: true };
  }

  async picture(session: string, groupId: string): Promise<PictureView> {
    const jid = toGroupJid(groupId);
    return { group: jid, url: await this.run(session, jid, { op: 'picture', jid }) };
  }

  private async run<R extends GroupRequest>(
    session: string,
    group: string | null,
    request: R,
  ): Promise<GroupResult<R>> {
    const conn = this.sessions.connection(session);
    return engineCall('Group request', async () => {
      try {
        return await conn.group(request);
      } catch (err) {
        throw groupRefusal(err, group);
      }
    });
  }

  private me(session: string): { jid: string | null; lid: string | null } {
    const me = this.sessions.state(session).me;
    return { jid: me?.jid ?? null, lid: me?.lid ?? null };
  }

  private summary(g: GroupInfo, me: { jid: string | null; lid: string | null }): GroupSummaryView {
    const own = g.participants.find(
      (p) => p.jid === me.jid || (!!me.lid && (p.lid === me.lid || p.jid === me.lid)),
    );
    return { id: g.jid, subject: g.subject, size: g.size, role: own?.role ?? null };
  }

  private view(session: string, g: GroupInfo): GroupView {
    return {
      session,
      ...this.summary(g, this.me(session)),
      description: g.description,
      owner: g.owner,
      createdAt: g.createdAt ? new Date(g.createdAt * 1000).toISOString() : null,
      settings: { ...g.settings },
      participants: g.participants.map((p) => ({ ...p })),
    };
  }
}
