import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { BadRequestError } from '../common/errors/domain-error';
import { ApiErrors } from '../common/errors/api-errors';
import {
  CreateGroupDto,
  GroupListView,
  GroupView,
  InviteView,
  JoinedView,
  JoinGroupDto,
  LeftView,
  ParticipantsDto,
  ParticipantsResultView,
  PictureView,
  UpdateGroupDto,
} from './dto/groups.dto';
import { GroupsService } from './groups.service';
import type { ParticipantAction } from '../whatsapp/engine/group.types';

const SESSION = { name: 'session', example: 'default' };
const GROUP_ID = {
  name: 'groupId',
  example: '120363000000000001@g.us',
  description: 'The group JID (`<id>@g.us`) or just its id',
};
const ACTIONS: ParticipantAction[] = ['add', 'remove', 'promote', 'demote'];
const NOT_CONNECTED = { status: 503 as const, description: 'The session is not connected' };
const GROUP_NOT_FOUND = {
  status: 404 as const,
  description: 'Unknown session, or WhatsApp knows no such group',
  example: {
    error: 'Group not found',
    details: 'WhatsApp knows no group 120363000000000001@g.us (item-not-found)',
  },
};
const NOT_ALLOWED = {
  status: 403 as const,
  description: 'The account is not a member, or not an admin where that is needed',
  example: {
    error: 'Not allowed',
    details: 'The account lacks the rights in group 120363000000000001@g.us: only admins may do this',
  },
};

@ApiTags('groups')
@ApiErrors(401)
@Controller('api/sessions/:session/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiParam(SESSION)
  @ApiOperation({ summary: 'The groups the account is in: subject, size and its own role' })
  @ApiOkResponse({ type: GroupListView })
  @ApiErrors({ status: 404, description: 'Unknown session' }, NOT_CONNECTED, 502)
  list(@Param('session') session: string): Promise<GroupListView> {
    return this.groups.list(session);
  }

  @Post()
  @ApiParam(SESSION)
  @ApiOperation({
    summary: 'Create a group with the account as its admin',
    description:
      'People WhatsApp does not add (privacy settings, not on WhatsApp) are left out; `GET` the group to see ' +
      'who is in it.',
  })
  @ApiCreatedResponse({ type: GroupView })
  @ApiErrors(400, { status: 404, description: 'Unknown session' }, NOT_CONNECTED, 502)
  create(@Param('session') session: string, @Body() dto: CreateGroupDto): Promise<GroupView> {
    return this.groups.create(session, dto);
  }

  @Post('join')
  @HttpCode(200)
  @ApiParam(SESSION)
  @ApiOperation({ summary: 'Join a group by its invite code or link' })
  @ApiOkResponse({ type: JoinedView })
  @ApiErrors(
    400,
    { status: 404, description: 'Unknown session, or no group has this invite code' },
    NOT_CONNECTED,
    502,
  )
  join(@Param('session') session: string, @Body() dto: JoinGroupDto): Promise<JoinedView> {
    return this.groups.join(session, dto.code);
  }

  @Get(':groupId')
  @ApiParam(SESSION)
  @ApiParam(GROUP_ID)
  @ApiOperation({
    summary: 'One group: subject, description, owner, creation, settings, participants and roles',
  })
  @ApiOkResponse({ type: GroupView })
  @ApiErrors(400, NOT_ALLOWED, GROUP_NOT_FOUND, NOT_CONNECTED, 502)
  get(@Param('session') session: string, @Param('groupId') groupId: string): Promise<GroupView> {
    return this.groups.get(session, groupId);
  }

  @Patch(':groupId')
  @ApiParam(SESSION)
  @ApiParam(GROUP_ID)
  @ApiOperation({
    summary: 'Change the subject, the description or the settings',
    description:
      'Each given field is one request to WhatsApp, in the order subject, description, settings; a refusal ' +
      'stops there (what was applied before it stays). Answers the group as it is afterwards.',
  })
  @ApiOkResponse({ type: GroupView })
  @ApiErrors(400, NOT_ALLOWED, GROUP_NOT_FOUND, NOT_CONNECTED, 502)
  update(
    @Param('session') session: string,
    @Param('groupId') groupId: string,
    @Body() dto: UpdateGroupDto,
  ): Promise<GroupView> {
    return this.groups.update(session, groupId, dto);
  }

  @Post(':groupId/participants/:action')
  @HttpCode(200)
  @ApiParam(SESSION)
  @ApiParam(GROUP_ID)
  @ApiParam({ name: 'action', enum: ACTIONS, example: 'add' })
  @ApiOperation({
    summary: 'Add, remove, promote (to admin) or demote participants (admins only)',
    description:
      'WhatsApp answers for each participant: `ok`, or its status and the reason it refused that one (privacy ' +
      'settings, already in the group, not in the group, not on WhatsApp). The call succeeds when WhatsApp ' +
      'answered, whatever each participant got.',
  })
  @ApiOkResponse({ type: ParticipantsResultView })
  @ApiErrors(400, NOT_ALLOWED, GROUP_NOT_FOUND, NOT_CONNECTED, 502)
  participants(
    @Param('session') session: string,
    @Param('groupId') groupId: string,
    @Param('action') action: string,
    @Body() dto: ParticipantsDto,
  ): Promise<ParticipantsResultView> {
    if (!ACTIONS.includes(action as ParticipantAction))
      throw new BadRequestError('Invalid action', `action must be one of ${ACTIONS.join(', ')}`);
    return this.groups.participants(session, groupId, action as ParticipantAction, dto.participants);
  }

  @Get(':groupId/invite')
  @ApiParam(SESSION)
  @ApiParam(GROUP_ID)
  @ApiOperation({ summary: "The group's invite code and link (admins only)" })
  @ApiOkResponse({ type: InviteView })
  @ApiErrors(400, NOT_ALLOWED, GROUP_NOT_FOUND, NOT_CONNECTED, 502)
  invite(@Param('session') session: string, @Param('groupId') groupId: string): Promise<InviteView> {
    return this.groups.invite(session, groupId, false);
  }

  @Post(':groupId/invite/revoke')
  @HttpCode(200)
  @ApiParam(SESSION)
  @ApiParam(GROUP_ID)
  @ApiOperation({ summary: 'Revoke the invite link: the old code stops working; answers the new one' })
  @ApiOkResponse({ type: InviteView })
  @ApiErrors(400, NOT_ALLOWED, GROUP_NOT_FOUND, NOT_CONNECTED, 502)
  revoke(@Param('session') session: string, @Param('groupId') groupId: string): Promise<InviteView> {
    return this.groups.invite(session, groupId, true);
  }

  @Post(':groupId/leave')
  @HttpCode(200)
  @ApiParam(SESSION)
  @ApiParam(GROUP_ID)
  @ApiOperation({ summary: 'Leave the group' })
  @ApiOkResponse({ type: LeftView })
  @ApiErrors(400, NOT_ALLOWED, GROUP_NOT_FOUND, NOT_CONNECTED, 502)
  leave(@Param('session') session: string, @Param('groupId') groupId: string): Promise<LeftView> {
    return this.groups.leave(session, groupId);
  }

  @Get(':groupId/picture')
  @ApiParam(SESSION)
  @ApiParam(GROUP_ID)
  @ApiOperation({ summary: "The URL of the group's picture (null when it has none)" })
  @ApiOkResponse({ type: PictureView })
  @ApiErrors(400, NOT_ALLOWED, GROUP_NOT_FOUND, NOT_CONNECTED, 502)
  picture(@Param('session') session: string, @Param('groupId') groupId: string): Promise<PictureView> {
    return this.groups.picture(session, groupId);
  }
}
