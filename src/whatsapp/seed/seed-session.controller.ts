import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../../common/errors/error-response';
import { DEFAULT_SESSION } from '../sessions/default-session';
import { SessionsService } from '../sessions/sessions.service';
import { SeedLogoutView, SeedQrView, SeedStatusView } from './seed-session.dto';

/** The original gateway's routes, on the `default` session, with its exact response shapes. */
@ApiTags('seed-compatible')
@ApiUnauthorizedResponse({ type: ErrorResponse })
@Controller('api/whatsapp')
export class SeedSessionController {
  constructor(private readonly sessions: SessionsService) {}

  @Get('status')
  @ApiOperation({ summary: 'Connection status of the default session (seed shape)' })
  @ApiOkResponse({ type: SeedStatusView })
  status(): SeedStatusView {
    const rt = this.sessions.runtime(DEFAULT_SESSION);
    const status =
      rt.status === 'connected' ? 'connected' : rt.status === 'qr_ready' ? 'qr_ready' : 'disconnected';
    return { status, connected: status === 'connected', qr: status === 'qr_ready' ? rt.qr : null };
  }

  @Get('qr')
  @ApiOperation({ summary: 'QR string of the default session (seed shape)' })
  @ApiOkResponse({ type: SeedQrView })
  @ApiNotFoundResponse({ type: ErrorResponse, description: '{"error": "QR code not available", ...}' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description:
      'No connection can be made: {"error": "Cannot reach WhatsApp", "details": "Cannot reach WhatsApp ' +
      '(ENOTFOUND web.whatsapp.com); ..."} or "WhatsApp refused this client version"',
  })
  async qr(): Promise<SeedQrView> {
    const { qr } = await this.sessions.qr(DEFAULT_SESSION);
    return { qr };
  }

  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlink the default session and wipe its credentials (seed shape)' })
  @ApiOkResponse({ type: SeedLogoutView })
  async logout(): Promise<SeedLogoutView> {
    await this.sessions.logout(DEFAULT_SESSION);
    return { success: true, message: 'Logged out successfully' };
  }
}
