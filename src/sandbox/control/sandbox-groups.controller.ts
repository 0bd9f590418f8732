import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/errors/api-errors';
import {
  SandboxCreateGroupDto,
  SandboxGroupMessageDto,
  SandboxGroupSentView,
  SandboxGroupView,
  SandboxLeaveDto,
  SandboxParticipantResultView,
  SandboxParticipantsDto,
  SandboxSubjectDto,
} from './sandbox-groups.dto';
import { SandboxGroupsService } from './sandbox-groups.service';

const GROUP_ID = { name: 'groupId', example: '120363000000000001@g.us' };

/** Sandbox mode only: simulated contacts acting in groups the session's account is in. */
@ApiTags('sandbox')
@ApiErrors(401)
@Controller('api/sandbox/groups')
export class SandboxGroupsController {
  constructor(private readonly groups: SandboxGroupsService) {}

  @Post()
  @ApiOperation({
    summary: "A simulated contact creates a group with the session's account (and other contacts) in it",
    description: 'The account gets the group as WhatsApp announces it: a `group.join` event follows.',
  })
  @ApiErrors(400, 404, 409)
  create(@Body() dto: SandboxCreateGroupDto) {
    return this.groups.create(dto);
  }

  @Get(':groupId')
  @ApiParam(GROUP_ID)
  @ApiOperation({ summary: 'The group as the simulated server keeps it' })
  @ApiOkResponse({ type: SandboxGroupView })
  @ApiErrors(400, 404)
  get(@Param('groupId') groupId: string): SandboxGroupView {
    return this.groups.get(groupId);
  }

  @Post(':groupId/messages')
  @HttpCode(200)
  @ApiParam(GROUP_ID)
  @ApiOperation({ summary: 'A member writes to the group (sender-key encrypted to the account’s devices)' })
  @ApiOkResponse({ type: SandboxGroupSentView })
  @ApiErrors(400, { status: 403, description: 'Not a member, or not an admin of an announcement group' }, 404)
  send(
    @Param('groupId') groupId: string,
    @Body() dto: SandboxGroupMessageDto,
  ): Promise<SandboxGroupSentView> {
    return this.groups.send(groupId, dto);
  }

  @Post(':groupId/participants/:action')
  @HttpCode(200)
  @ApiParam(GROUP_ID)
  @ApiParam({ name: 'action', enum: ['add', 'remove', 'promote', 'demote'] })
  @ApiOperation({ summary: 'A member (an admin) adds, removes, promotes or demotes members' })
  @ApiOkResponse({ type: SandboxParticipantResultView, isArray: true })
  @ApiErrors(400, { status: 403, description: 'The actor is not an admin (or not a member)' }, 404)
  participants(
    @Param('groupId') groupId: string,
    @Param('action') action: string,
    @Body() dto: SandboxParticipantsDto,
  ): SandboxParticipantResultView[] {
    return this.groups.participants(groupId, action, dto.actor, dto.participants);
  }

  @Post(':groupId/leave')
  @HttpCode(200)
  @ApiParam(GROUP_ID)
  @ApiOperation({ summary: 'A member leaves the group' })
  @ApiOkResponse({ type: SandboxGroupView })
  @ApiErrors(400, { status: 403, description: 'Not a member' }, 404)
  leave(@Param('groupId') groupId: string, @Body() dto: SandboxLeaveDto): SandboxGroupView {
    return this.groups.leave(groupId, dto.phone);
  }

  @Put(':groupId/subject')
  @ApiParam(GROUP_ID)
  @ApiOperation({ summary: 'A member changes the subject (admins only when the group info is locked)' })
  @ApiOkResponse({ type: SandboxGroupView })
  @ApiErrors(400, { status: 403, description: 'Not a member, or not an admin of a locked group' }, 404)
  subject(@Param('groupId') groupId: string, @Body() dto: SandboxSubjectDto): SandboxGroupView {
    return this.groups.subject(groupId, dto.actor, dto.subject);
  }
}
