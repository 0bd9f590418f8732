import { Injectable } from '@nestjs/common';
import { BadRequestError, DomainError } from '../../common/errors/domain-error';
import { DEFAULT_SESSION } from '../../whatsapp/sessions/default-session';
import { SessionsFacade } from '../../whatsapp/sessions/sessions.facade';
import type { SandboxGroup } from '../group-model';
import { GroupError, type ParticipantAction, type ParticipantResult } from '../groups';
import type { WhatsAppSandbox } from '../whatsapp-sandbox';
import type {
  SandboxCreateGroupDto,
  SandboxGroupMessageDto,
  SandboxGroupSentView,
  SandboxGroupView,
} from './sandbox-groups.dto';
import { SandboxHost } from './sandbox-host';

const ACTIONS: ParticipantAction[] = ['add', 'remove', 'promote', 'demote'];

/** WhatsApp's refusal in the sandbox, as the API's error. */
function refusal(err: unknown): unknown {
  if (!(err instanceof GroupError)) return err;
  if (err.code === 404) return new DomainError(404, 'Group not found', 'The sandbox has no such group');
  if (err.code === 401) return new DomainError(403, 'Not a group member', 'That phone is not in the group');
  if (err.code === 403) return new DomainError(403, 'Not allowed', 'Only admins may do this in the group');
  return new BadRequestError('Refused', err.text);
}

function toView(g: SandboxGroup): SandboxGroupView {
  return {
    id: g.jid,
    subject: g.subject,
    creator: g.creator,
    announce: g.announce,
    restrict: g.restrict,
    members: g.members.map((m) => ({ phone: m.phone, role: m.role ?? 'member' })),
  };
}

/** Simulated members acting in groups: create one with the session's account in it, write, change, leave. */
@Injectable()
export class SandboxGroupsService {
  constructor(
    private readonly host: SandboxHost,
    private readonly sessions: SessionsFacade,
  ) {}

  private get sandbox(): WhatsAppSandbox {
    if (!this.host.sandbox)
      throw new DomainError(404, 'Sandbox not running', 'Start the gateway with SANDBOX=true');
    return this.host.sandbox;
  }

  create(dto: SandboxCreateGroupDto): { group: SandboxGroupView; results: ParticipantResult[] } {
    const session = dto.session ?? DEFAULT_SESSION;
    const me = this.sessions.state(session).me?.phone;
    if (!me) throw new DomainError(409, 'Session not linked', `Session "${session}" has no linked account`);
    const members = [me, ...(dto.members ?? []).filter((m) => m !== me && m !== dto.creator)];
    const { group, results } = this.sandbox.createGroup(dto.creator, dto.subject, members);
    return { group: toView(group), results };
  }

  get(groupId: string): SandboxGroupView {
    const group = this.sandbox.group(this.jid(groupId));
    if (!group) throw new DomainError(404, 'Group not found', 'The sandbox has no such group');
    return toView(group);
  }

  async send(groupId: string, dto: SandboxGroupMessageDto): Promise<SandboxGroupSentView> {
    const jid = this.jid(groupId);
    const content = dto.kind === 'image' ? { image: { caption: dto.text } } : { text: dto.text };
    try {
      const { id } = await this.sandbox.groupSend(jid, dto.from, content, { pushName: dto.pushName });
      return { id, group: jid, from: dto.from };
    } catch (err) {
      throw refusal(err);
    }
  }

  participants(groupId: string, action: string, actor: string, phones: string[]): ParticipantResult[] {
    if (!ACTIONS.includes(action as ParticipantAction))
      throw new BadRequestError('Invalid action', `action must be one of ${ACTIONS.join(', ')}`);
    return this.guard(() =>
      this.sandbox.groupParticipants(this.jid(groupId), actor, action as ParticipantAction, phones),
    );
  }

  leave(groupId: string, phone: string): SandboxGroupView {
    this.guard(() => this.sandbox.groupLeave(this.jid(groupId), phone));
    return this.get(groupId);
  }

  subject(groupId: string, actor: string, subject: string): SandboxGroupView {
    this.guard(() => this.sandbox.groupSetSubject(this.jid(groupId), actor, subject));
    return this.get(groupId);
  }

  private guard<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      throw refusal(err);
    }
  }

  private jid(groupId: string): string {
    const m = /^(\d{5,30}(?:-\d{5,15})?)(@g\.us)?$/.exec(groupId);
    if (!m) throw new BadRequestError('Invalid group id', 'groupId: use <id>@g.us');
    return `${m[1]}@g.us`;
  }
}
