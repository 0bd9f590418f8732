import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/errors/api-errors';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { DEFAULT_SESSION } from '../whatsapp/sessions/default-session';
import { NotConnected } from '../whatsapp/sessions/session.errors';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import { SeedReceiveDto, SeedReceiveView, SeedSendDto, SeedSendView } from './dto/seed-messaging.dto';
import { InboundService } from './inbound/inbound.service';
import { MessagesService } from './messages.service';
import { isNotOnWhatsApp, NOT_ON_WHATSAPP } from './send/recipient-check';

/** The original gateway's send and receive routes on the `default` session, with its exact shapes. */
@ApiTags('seed-compatible')
@ApiErrors(401)
@Controller('api/whatsapp')
export class SeedMessagingController {
  constructor(
    private readonly messages: MessagesService,
    private readonly inbound: InboundService,
    private readonly sessions: SessionsFacade,
    private readonly config: AppConfig,
  ) {}

  @Post('send')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a text on the default session and wait until it is sent (seed shape)' })
  @ApiOkResponse({ type: SeedSendView })
  @ApiErrors(400, 502, 503, 504, {
    status: 422,
    description: 'The number has no WhatsApp account',
    example: { error: 'Recipient not on WhatsApp', details: '9991234567 has no WhatsApp account' },
  })
  async send(@Body() dto: SeedSendDto): Promise<SeedSendView> {
    const status = this.sessions.has(DEFAULT_SESSION)
      ? this.sessions.status(DEFAULT_SESSION)
      : 'disconnected';
    if (status !== 'connected') throw new NotConnected(status === 'qr_ready' ? 'qr_ready' : 'disconnected');
    const queued = await this.messages.send(
      DEFAULT_SESSION,
      { type: 'text', to: dto.to, text: dto.message },
      undefined,
      'seed',
    );
    const result = await this.messages.waitUntilSent(queued, this.config.SEED_SEND_TIMEOUT_MS);
    if (result.status === 'failed' && isNotOnWhatsApp(result.error))
      throw new DomainError(422, NOT_ON_WHATSAPP, result.error!.replace(`${NOT_ON_WHATSAPP}: `, ''));
    if (result.status === 'failed')
      throw new DomainError(502, 'Send failed', result.error ?? 'WhatsApp did not accept the message');
    return { success: true, messageId: result.waMessageId!, to: result.chat, message: dto.message };
  }

  @Post('receive')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Feed an incoming message into the pipeline (stored, events, auto-reply, webhooks) on the default session',
  })
  @ApiOkResponse({ type: SeedReceiveView })
  @ApiErrors(400)
  async receive(@Body() dto: SeedReceiveDto): Promise<SeedReceiveView> {
    const view = await this.inbound.inject(
      DEFAULT_SESSION,
      dto.from,
      dto.message,
      dto.timestamp ?? Math.floor(Date.now() / 1000),
    );
    return { status: 'success', message: 'Message received', id: view.id };
  }
}
