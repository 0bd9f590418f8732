import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../../common/errors/error-response';
import {
  ContactPresenceDto,
  ContactPresenceResultView,
  ContactRecordView,
  SandboxContactChangeDto,
  SandboxContactMessageDto,
  ContactReceivedView,
  MediaRefusalDto,
  MediaRefusalView,
  MinVersionDto,
  MinVersionView,
  ProfilePictureDto,
  ProfilePictureSetView,
  ScanDto,
  ScanResultView,
  SentByContactView,
} from './sandbox-control.dto';
import { SandboxControlService } from './sandbox-control.service';
import { PhoneParamPipe } from './phone-param.pipe';

/** Sandbox mode only: the simulated phone and contacts, for people trying the gateway and for tests. */
@ApiTags('sandbox')
@ApiUnauthorizedResponse({ type: ErrorResponse })
@Controller('api/sandbox')
export class SandboxControlController {
  constructor(private readonly control: SandboxControlService) {}

  @Post('sessions/:session/scan')
  @HttpCode(200)
  @ApiParam({ name: 'session', example: 'default' })
  @ApiOperation({
    summary: "The simulated phone scans the session's current QR and the call returns once it is connected",
    description:
      'Links the simulated account `phone` (created if new); without it, the same number every time for this ' +
      'session: `6280000000001` for `default`.',
  })
  @ApiOkResponse({ type: ScanResultView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Already linked, or no QR yet' })
  scan(@Param('session') session: string, @Body() dto: ScanDto): Promise<ScanResultView> {
    return this.control.scan(session, dto);
  }

  @Post('contacts/:phone/messages')
  @HttpCode(200)
  @ApiParam({ name: 'phone', example: '6281234567890', description: 'The simulated contact (digits)' })
  @ApiOperation({ summary: 'A simulated contact sends a message to a linked session (end-to-end encrypted)' })
  @ApiOkResponse({ type: SentByContactView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The session is not linked' })
  send(
    @Param('phone', PhoneParamPipe) phone: string,
    @Body() dto: SandboxContactMessageDto,
  ): Promise<SentByContactView> {
    return this.control.contactSends(phone, dto);
  }

  @Post('contacts/:phone/changes')
  @HttpCode(200)
  @ApiParam({ name: 'phone', example: '6281234567890', description: 'The simulated contact (digits)' })
  @ApiOperation({
    summary:
      'A simulated contact edits or deletes a message it sent, reacts to a message, or votes in a poll',
    description:
      "Sent end-to-end encrypted as WhatsApp clients send them (a vote encrypted with the poll's secret); the " +
      'gateway reports them as `message.edited`, `message.revoked`, `message.reaction` and `poll.vote`.',
  })
  @ApiOkResponse({ type: SentByContactView, description: 'The id of the change message' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid fields, or not an option of the poll' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'The contact received no such poll' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The session is not linked' })
  change(
    @Param('phone', PhoneParamPipe) phone: string,
    @Body() dto: SandboxContactChangeDto,
  ): Promise<SentByContactView> {
    return this.control.contactChanges(phone, dto);
  }

  @Put('media/:messageId')
  @ApiParam({
    name: 'messageId',
    example: '3EB0C431C26A1916E3F6',
    description: "The contact's message (WhatsApp id)",
  })
  @ApiOperation({
    summary: "Make the media host refuse (404/410) or serve again the file of a contact's message",
    description:
      'As WhatsApp does once it no longer has a file: the gateway then marks the media `unavailable`. ' +
      'May be set before the contact sends the message (with the same id).',
  })
  @ApiOkResponse({ type: MediaRefusalView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  refuseMedia(@Param('messageId') messageId: string, @Body() dto: MediaRefusalDto): MediaRefusalView {
    return this.control.refuseMedia(messageId, dto.status);
  }

  @Get('contacts/:phone/messages')
  @ApiParam({ name: 'phone', example: '6281234567890' })
  @ApiOperation({ summary: 'What a simulated contact received, decrypted, with receipt times' })
  @ApiOkResponse({ type: ContactReceivedView, isArray: true })
  received(@Param('phone', PhoneParamPipe) phone: string): ContactReceivedView[] {
    return this.control.received(phone);
  }

  @Get('contacts/:phone')
  @ApiParam({ name: 'phone', example: '6281234567890' })
  @ApiOperation({
    summary: "What a simulated contact saw: its messages' delivery and read receipts, chat states, presence",
  })
  @ApiOkResponse({ type: ContactRecordView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  contact(@Param('phone', PhoneParamPipe) phone: string): ContactRecordView {
    return this.control.contactRecord(phone);
  }

  @Put('contacts/:phone/picture')
  @ApiParam({ name: 'phone', example: '6281234567890', description: 'The simulated contact (digits)' })
  @ApiOperation({
    summary: 'Give a simulated contact a profile picture, or take it away',
    description:
      'GET /api/sessions/{session}/contacts/{phone}/picture then answers its URL, or 404 as WhatsApp answers ' +
      'item-not-found.',
  })
  @ApiOkResponse({ type: ProfilePictureSetView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  picture(
    @Param('phone', PhoneParamPipe) phone: string,
    @Body() dto: ProfilePictureDto,
  ): ProfilePictureSetView {
    return this.control.setProfilePicture(phone, dto.picture);
  }

  @Post('contacts/:phone/presence')
  @HttpCode(200)
  @ApiParam({ name: 'phone', example: '6281234567890', description: 'The simulated contact (digits)' })
  @ApiOperation({
    summary: 'A simulated contact types, records, pauses, or goes online or offline',
    description:
      "As on WhatsApp, it reaches the session only if the session subscribed to the contact's presence " +
      '(POST /api/sessions/{session}/presence/subscribe) on its current connection; `delivered` says so.',
  })
  @ApiOkResponse({ type: ContactPresenceResultView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The session is not linked' })
  presence(
    @Param('phone', PhoneParamPipe) phone: string,
    @Body() dto: ContactPresenceDto,
  ): ContactPresenceResultView {
    return this.control.contactPresence(phone, dto);
  }

  @Post('sessions/:session/disconnect')
  @HttpCode(200)
  @ApiParam({ name: 'session', example: 'default' })
  @ApiOperation({ summary: "Drop the session's connection (the gateway reconnects by itself)" })
  @ApiOkResponse({ schema: { example: { session: 'default', disconnected: true } } })
  @ApiConflictResponse({ type: ErrorResponse })
  disconnect(@Param('session') session: string) {
    return this.control.disconnect(session);
  }

  @Put('min-wa-version')
  @ApiOperation({
    summary: 'Make the sandbox refuse clients older than a WhatsApp Web version (405 at login), or none',
    description:
      'Open connections stay; the next login is checked. Also settable at start: SANDBOX_MIN_WA_VERSION.',
  })
  @ApiOkResponse({ type: MinVersionView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  setMinVersion(@Body() dto: MinVersionDto): MinVersionView {
    return this.control.setMinVersion(dto.version);
  }
}
