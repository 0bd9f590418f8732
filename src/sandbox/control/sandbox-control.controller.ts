import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
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
  SandboxContactMessageDto,
  ContactReceivedView,
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
    summary: "The simulated phone scans the session's current QR (links a new simulated account)",
  })
  @ApiOkResponse({ type: ScanResultView })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Already linked, or no QR yet' })
  scan(@Param('session') session: string): Promise<ScanResultView> {
    return this.control.scan(session);
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

  @Get('contacts/:phone/messages')
  @ApiParam({ name: 'phone', example: '6281234567890' })
  @ApiOperation({ summary: 'What a simulated contact received, decrypted, with receipt times' })
  @ApiOkResponse({ type: ContactReceivedView, isArray: true })
  received(@Param('phone', PhoneParamPipe) phone: string): ContactReceivedView[] {
    return this.control.received(phone);
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
}
