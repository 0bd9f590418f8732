import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorResponse } from '../../common/errors/error-response';
import { CreateSessionDto, PairingCodeDto, PairingCodeView, QrView, SessionView } from '../dto/session.dto';
import { qrPng } from '../qr-image';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid API key' })
@Controller('api/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a session and start pairing (its QR appears shortly)' })
  @ApiCreatedResponse({ type: SessionView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'A session with this id exists' })
  create(@Body() dto: CreateSessionDto): Promise<SessionView> {
    return this.sessions.create(dto.id);
  }

  @Get()
  @ApiOperation({ summary: 'List sessions with their status' })
  @ApiOkResponse({ type: SessionView, isArray: true })
  list(): SessionView[] {
    return this.sessions.list();
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 'default' })
  @ApiOperation({ summary: 'One session' })
  @ApiOkResponse({ type: SessionView })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Param('id') id: string): SessionView {
    return this.sessions.view(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 'sales' })
  @ApiOperation({ summary: 'Unlink (if linked) and delete a session; `default` cannot be deleted' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse })
  async remove(@Param('id') id: string): Promise<void> {
    await this.sessions.remove(id);
  }

  @Get(':id/qr')
  @ApiParam({ name: 'id', example: 'default' })
  @ApiOperation({
    summary: 'The current QR as a string and a PNG data URL',
    description: 'If the session is resting unlinked, this starts a new pairing attempt and waits briefly.',
  })
  @ApiOkResponse({ type: QrView })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown session, or no QR (e.g. connected)' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description:
      'No connection can be made: {"error": "Cannot reach WhatsApp", "details": "Cannot reach WhatsApp ' +
      '(ENOTFOUND web.whatsapp.com); ..."} or "WhatsApp refused this client version"',
  })
  qr(@Param('id') id: string): Promise<QrView> {
    return this.sessions.qr(id);
  }

  @Get(':id/qr.png')
  @ApiParam({ name: 'id', example: 'default' })
  @ApiOperation({ summary: 'The current QR as a PNG image' })
  @ApiProduces('image/png')
  @ApiOkResponse({
    description: 'PNG image',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description:
      'No connection can be made: {"error": "Cannot reach WhatsApp", "details": "Cannot reach WhatsApp ' +
      '(ENOTFOUND web.whatsapp.com); ..."} or "WhatsApp refused this client version"',
  })
  async qrPng(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const { qr } = await this.sessions.qr(id);
    res.setHeader('Cache-Control', 'no-store');
    res.type('image/png').send(await qrPng(qr));
  }

  @Post(':id/pairing-code')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 'default' })
  @ApiOperation({
    summary: 'Link by phone number instead of QR: returns the 8-character code to type on the phone',
  })
  @ApiOkResponse({ type: PairingCodeView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Already linked' })
  @ApiServiceUnavailableResponse({ type: ErrorResponse })
  pairingCode(@Param('id') id: string, @Body() dto: PairingCodeDto): Promise<PairingCodeView> {
    return this.sessions.pairingCode(id, dto.phone);
  }

  @Post(':id/logout')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 'default' })
  @ApiOperation({ summary: 'Unlink the device and wipe its credentials (status logged_out)' })
  @ApiOkResponse({ type: SessionView })
  @ApiNotFoundResponse({ type: ErrorResponse })
  logout(@Param('id') id: string): Promise<SessionView> {
    return this.sessions.logout(id);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 'default' })
  @ApiOperation({
    summary: 'Close the connection without unlinking; it stays closed, across restarts too, until started',
    description: 'Messages sent meanwhile wait in the queue (until SEND_EXPIRY_MS) and go out after a start.',
  })
  @ApiOkResponse({ type: SessionView })
  @ApiNotFoundResponse({ type: ErrorResponse })
  stop(@Param('id') id: string): Promise<SessionView> {
    return this.sessions.stop(id);
  }

  @Post(':id/start')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 'default' })
  @ApiOperation({ summary: 'Open a stopped session again (an unlinked one starts a new pairing attempt)' })
  @ApiOkResponse({ type: SessionView })
  @ApiNotFoundResponse({ type: ErrorResponse })
  start(@Param('id') id: string): Promise<SessionView> {
    return this.sessions.start(id);
  }

  @Post(':id/restart')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 'default' })
  @ApiOperation({
    summary: 'Close and reopen the connection (an unlinked session starts a new pairing attempt)',
  })
  @ApiOkResponse({ type: SessionView })
  @ApiNotFoundResponse({ type: ErrorResponse })
  restart(@Param('id') id: string): Promise<SessionView> {
    return this.sessions.restart(id);
  }
}
