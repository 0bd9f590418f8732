import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/errors/error-response';
import { PhoneParamPipe } from '../sandbox/control/phone-param.pipe';
import { ListMessagesQuery, MessagePage } from './dto/list-messages.query';
import { ContactLookupView } from './dto/seed-messaging.dto';
import { SEND_DTO_BY_TYPE, SendMessageDto } from './dto/send-message.dto';
import { MessageView } from './message.view';
import { MessagesService } from './messages.service';
import { SendMessagePipe } from './send/send-message.pipe';

const SEND_MODELS = Object.values(SEND_DTO_BY_TYPE);

@ApiTags('messages')
@ApiUnauthorizedResponse({ type: ErrorResponse })
@ApiExtraModels(...SEND_MODELS)
@Controller('api/sessions/:session')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post('messages')
  @HttpCode(202)
  @ApiParam({ name: 'session', example: 'default' })
  @ApiOperation({
    summary:
      'Queue a message (text, image, video, audio, document, location, contact, reaction; any can quote)',
    description:
      "The message is stored as `queued` before this returns, then sent in order, paced, by the session's queue; " +
      'it survives restarts and waits out disconnects (up to SEND_EXPIRY_MS). Follow it with GET .../messages/:id, ' +
      'webhooks or Socket.IO. A repeated `Idempotency-Key` returns the first response and sends nothing again.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Any unique string of yours, up to 255 chars',
  })
  @ApiBody({
    schema: {
      oneOf: SEND_MODELS.map((m) => ({ $ref: getSchemaPath(m) })),
      discriminator: { propertyName: 'type' },
    },
    examples: {
      text: { value: { to: '6281234567890', type: 'text', text: 'Hello!' } },
      image: {
        value: {
          to: '6281234567890',
          type: 'image',
          image: { url: 'https://example.com/menu.jpg' },
          caption: 'Menu',
        },
      },
      document: {
        value: {
          to: '6281234567890',
          type: 'document',
          document: { base64: 'JVBERi0xLjQK', mimetype: 'application/pdf' },
          fileName: 'invoice.pdf',
        },
      },
      location: {
        value: {
          to: '6281234567890',
          type: 'location',
          location: { latitude: -6.1754, longitude: 106.8272 },
        },
      },
      reply: {
        value: { to: '6281234567890', type: 'text', text: 'Yes!', quotedMessageId: '3EB0C431C26A1916E3F6' },
      },
      reaction: {
        value: {
          to: '6281234567890',
          type: 'reaction',
          reaction: { messageId: '3EB0C431C26A1916E3F6', emoji: '👍' },
        },
      },
    },
  })
  @ApiAcceptedResponse({ type: MessageView })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid recipient, type or fields' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'Unknown session' })
  @ApiPayloadTooLargeResponse({ type: ErrorResponse })
  send(
    @Param('session') session: string,
    @Body(SendMessagePipe) dto: SendMessageDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<MessageView> {
    return this.messages.send(session, dto, idempotencyKey);
  }

  @Get('messages')
  @ApiParam({ name: 'session', example: 'default' })
  @ApiOperation({ summary: 'Message history, newest first, with stable cursor pagination' })
  @ApiOkResponse({ type: MessagePage })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  list(@Param('session') session: string, @Query() query: ListMessagesQuery): Promise<MessagePage> {
    return this.messages.list(session, query);
  }

  @Get('messages/:messageId')
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam({ name: 'messageId', description: 'Our id (msg_...) or the WhatsApp id' })
  @ApiOperation({ summary: 'One message with its status and timestamps' })
  @ApiOkResponse({ type: MessageView })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Param('session') session: string, @Param('messageId') messageId: string): Promise<MessageView> {
    return this.messages.get(session, messageId);
  }

  @Get('contacts/:phone')
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam({ name: 'phone', example: '6281234567890' })
  @ApiOperation({ summary: 'Whether a number is on WhatsApp, with its JID and LID' })
  @ApiOkResponse({ type: ContactLookupView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'Session not connected' })
  contact(
    @Param('session') session: string,
    @Param('phone', PhoneParamPipe) phone: string,
  ): Promise<ContactLookupView> {
    return this.messages.lookup(session, phone);
  }
}
