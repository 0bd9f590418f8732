import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/errors/api-errors';
import { IdempotencyKey } from '../common/http/idempotency-key.decorator';
import { PhoneParamPipe } from '../sandbox/control/phone-param.pipe';
import { EditMessageDto } from './changes/edit-message.dto';
import { MessageChangesService } from './changes/message-changes.service';
import { ListMessagesQuery, MessagePage } from './dto/list-messages.query';
import { ContactLookupView } from './dto/seed-messaging.dto';
import { SEND_DTO_BY_TYPE, SendMessageDto } from './dto/send-message.dto';
import { MessageView } from './message.view';
import { MessagesService } from './messages.service';
import { SendMessagePipe } from './send/send-message.pipe';

const SEND_MODELS = Object.values(SEND_DTO_BY_TYPE);

/** What POST .../messages answers: the outgoing message, stored and waiting in the queue. */
const QUEUED_EXAMPLE: MessageView = {
  id: 'msg_mx61s45n301e137eee7f41e3',
  session: 'default',
  direction: 'out',
  waMessageId: '3EB0EBEA9C05934952C31E1C',
  chat: '6281234567890@s.whatsapp.net',
  chatType: 'direct',
  fromMe: true,
  from: null,
  type: 'text',
  text: 'Your order 1001 has shipped',
  quotedMessageId: null,
  details: null,
  status: 'queued',
  error: null,
  source: 'api',
  ruleId: null,
  timestamp: null,
  createdAt: '2026-11-25T10:00:00.000Z',
  sentAt: null,
  deliveredAt: null,
  readAt: null,
  failedAt: null,
  readByMeAt: null,
  editedAt: null,
  revokedAt: null,
};

@ApiTags('messages')
@ApiErrors(401)
@ApiExtraModels(...SEND_MODELS)
@Controller('api/sessions/:session')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly changes: MessageChangesService,
  ) {}

  @Post('messages')
  @HttpCode(202)
  @ApiParam({ name: 'session', example: 'default' })
  @ApiOperation({
    summary:
      'Queue a message (text, image, video, audio, document, location, contact, reaction, poll; any can quote)',
    description:
      "The message is stored as `queued` before this returns, then sent in order, paced, by the session's queue; " +
      'it survives restarts and waits out disconnects (up to SEND_EXPIRY_MS). Follow it with GET .../messages/:id, ' +
      'webhooks or Socket.IO: no event for `queued` (this answer) or `sending`; `message.sent` (the whole message) ' +
      'once WhatsApp took it; then a `message.status` for each of `delivered`, `read`, `played` or `failed`. ' +
      'A repeated `Idempotency-Key` returns the first response and sends nothing again.',
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
      poll: {
        value: {
          to: '6281234567890',
          type: 'poll',
          poll: { question: 'Which day suits you?', options: ['Monday', 'Tuesday'], selectableCount: 1 },
        },
      },
    },
  })
  @ApiAcceptedResponse({
    type: MessageView,
    description: 'Stored as queued (no event yet); `message.sent`, then `message.status` events follow',
    example: QUEUED_EXAMPLE,
  })
  @ApiErrors(
    { status: 400, description: 'Invalid recipient, type or fields' },
    { status: 404, description: 'Unknown session' },
    { status: 413, description: 'Body or media larger than the limit' },
    { status: 422, description: 'The media URL could not be downloaded' },
  )
  send(
    @Param('session') session: string,
    @Body(SendMessagePipe) dto: SendMessageDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<MessageView> {
    return this.messages.send(session, dto, idempotencyKey);
  }

  @Get('messages')
  @ApiParam({ name: 'session', example: 'default' })
  @ApiOperation({ summary: 'Message history, newest first, with stable cursor pagination' })
  @ApiOkResponse({ type: MessagePage })
  @ApiErrors(400, { status: 404, description: 'Unknown session' })
  list(@Param('session') session: string, @Query() query: ListMessagesQuery): Promise<MessagePage> {
    return this.messages.list(session, query);
  }

  @Get('messages/:messageId')
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam({ name: 'messageId', description: 'Our id (msg_...) or the WhatsApp id' })
  @ApiOperation({ summary: 'One message with its status and timestamps' })
  @ApiOkResponse({ type: MessageView })
  @ApiErrors({
    status: 404,
    description: 'Unknown session or message',
    example: { error: 'Message not found', details: 'No message with id "msg_01hx2q3w4e5r6t7y8u9i0o"' },
  })
  get(@Param('session') session: string, @Param('messageId') messageId: string): Promise<MessageView> {
    return this.messages.get(session, messageId);
  }

  @Patch('messages/:messageId')
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam({
    name: 'messageId',
    description: 'Our id (msg_...) or the WhatsApp id of a message the account sent',
  })
  @ApiOperation({
    summary: 'Edit the text of a sent text message (within 15 minutes of sending)',
    description:
      "Sends WhatsApp's edit: the contact's phone shows the new text, marked edited. The message then has the " +
      'new `text`, `editedAt`, and the earlier texts in `details.edits`; a `message.edited` event follows.',
  })
  @ApiBody({
    type: EditMessageDto,
    examples: { edit: { value: { text: 'Your order 1001 has shipped today' } } },
  })
  @ApiOkResponse({ type: MessageView, description: 'The message with its new text' })
  @ApiErrors(
    400,
    {
      status: 404,
      description: 'Unknown session or message',
      example: { error: 'Message not found', details: 'No message with id "msg_01hx2q3w4e5r6t7y8u9i0o"' },
    },
    {
      status: 409,
      description: 'Not sent yet, or the session is not connected',
      example: { error: 'Not sent', details: 'The message is queued: it can be edited once it is sent' },
    },
    {
      status: 422,
      description: 'Not a text message, not sent by the account, deleted, or the 15-minute window has passed',
      example: {
        error: 'Edit window passed',
        details:
          'WhatsApp accepts edits for 15 minutes after sending; this message was sent at 2026-11-25T10:00:00.000Z',
      },
    },
    502,
    503,
  )
  edit(
    @Param('session') session: string,
    @Param('messageId') messageId: string,
    @Body() dto: EditMessageDto,
  ): Promise<MessageView> {
    return this.changes.edit(session, messageId, dto.text);
  }

  @Delete('messages/:messageId')
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam({
    name: 'messageId',
    description: 'Our id (msg_...) or the WhatsApp id of a message the account sent',
  })
  @ApiOperation({
    summary: 'Delete a sent message for everyone',
    description:
      "Sends WhatsApp's revoke: the contact's phone shows the message deleted. The message stays in the history " +
      'with `revokedAt` (its text and details removed unless MESSAGES_KEEP_REVOKED_CONTENT=true); a ' +
      '`message.revoked` event follows.',
  })
  @ApiOkResponse({ type: MessageView, description: 'The message, marked revoked' })
  @ApiErrors(
    {
      status: 404,
      description: 'Unknown session or message',
      example: { error: 'Message not found', details: 'No message with id "msg_01hx2q3w4e5r6t7y8u9i0o"' },
    },
    {
      status: 409,
      description: 'Not sent yet, or the session is not connected',
      example: { error: 'Not sent', details: 'The message is queued: it can be deleted once it is sent' },
    },
    {
      status: 422,
      description: 'Not sent by the account, or deleted already',
      example: { error: 'Not your message', details: 'Only messages the account sent can be deleted' },
    },
    502,
    503,
  )
  revoke(@Param('session') session: string, @Param('messageId') messageId: string): Promise<MessageView> {
    return this.changes.revoke(session, messageId);
  }

  @Get('contacts/:phone')
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam({ name: 'phone', example: '6281234567890' })
  @ApiOperation({ summary: 'Whether a number is on WhatsApp, with its JID and LID' })
  @ApiOkResponse({ type: ContactLookupView })
  @ApiErrors(400, { status: 404, description: 'Unknown session' }, 503)
  contact(
    @Param('session') session: string,
    @Param('phone', PhoneParamPipe) phone: string,
  ): Promise<ContactLookupView> {
    return this.messages.lookup(session, phone);
  }
}
