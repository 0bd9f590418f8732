import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/errors/api-errors';
import { ChatReadService } from './chat-read.service';
import {
  ChatPresenceDto,
  ChatPresenceView,
  ChatReadView,
  MarkReadDto,
  OwnPresenceDto,
  OwnPresenceView,
  SubscribePresenceDto,
  SubscribePresenceView,
} from './dto/chats.dto';
import { PresenceService } from './presence.service';

const CHAT_ID = {
  name: 'chatId',
  example: '6281234567890',
  description: 'The chat: digits with country code, or a JID (`…@s.whatsapp.net`, `…@lid`, `…@g.us`)',
};
const BAD_CHAT = {
  status: 400 as const,
  description: 'Invalid chat id or body',
  example: {
    error: 'Invalid recipient',
    details: 'chatId: use digits with country code (e.g. 6281234567890) or a JID',
  },
};
const NOT_CONNECTED = {
  status: 503 as const,
  description: 'The session is not connected (or its connection went away during the call)',
};

@ApiTags('chats')
@ApiErrors(401)
@Controller('api/sessions/:session')
export class ChatsController {
  constructor(
    private readonly reads: ChatReadService,
    private readonly presence: PresenceService,
  ) {}

  @Post('chats/:chatId/read')
  @HttpCode(200)
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam(CHAT_ID)
  @ApiOperation({
    summary: "Mark a chat's incoming messages read (read receipts: the sender sees blue ticks)",
    description:
      'Sends read receipts for the unread incoming messages of the chat, oldest first, or only those up to and ' +
      'including `upTo`. Each message is marked once: a second call marks only what arrived (or was left ' +
      'unread) since. Answers the messages it marked now.',
  })
  @ApiBody({
    type: MarkReadDto,
    required: false,
    examples: { all: { value: {} }, upTo: { value: { upTo: '3EB0C431C26A1916E3F6' } } },
  })
  @ApiOkResponse({ type: ChatReadView })
  @ApiErrors(
    BAD_CHAT,
    {
      status: 404,
      description: 'Unknown session, or `upTo` is not a message of this chat',
      example: { error: 'Message not found', details: 'No message with id "3EB0C431C26A1916E3F6"' },
    },
    NOT_CONNECTED,
    {
      status: 502,
      description: 'WhatsApp did not take the receipts',
      example: { error: 'Read receipt failed', details: 'WhatsApp did not take it: Connection Closed' },
    },
  )
  read(
    @Param('session') session: string,
    @Param('chatId') chatId: string,
    @Body() dto: MarkReadDto,
  ): Promise<ChatReadView> {
    return this.reads.markRead(session, chatId, dto?.upTo);
  }

  @Post('chats/:chatId/presence')
  @HttpCode(200)
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam(CHAT_ID)
  @ApiOperation({
    summary: 'Show the chat that the account is typing, recording a voice note, or stopped (paused)',
    description:
      'WhatsApp clears a typing or recording indicator by itself after a while; `paused` clears it now.',
  })
  @ApiOkResponse({ type: ChatPresenceView })
  @ApiErrors(BAD_CHAT, { status: 404, description: 'Unknown session' }, NOT_CONNECTED, 502)
  chatState(
    @Param('session') session: string,
    @Param('chatId') chatId: string,
    @Body() dto: ChatPresenceDto,
  ): Promise<ChatPresenceView> {
    return this.presence.chatState(session, chatId, dto.state);
  }

  @Post('presence')
  @HttpCode(200)
  @ApiParam({ name: 'session', example: 'default' })
  @ApiOperation({
    summary: "Set the account's own online state (available = online, unavailable = offline)",
    description:
      'The gateway connects as unavailable, so the phone keeps getting notifications. While available, ' +
      'contacts see the account online; WhatsApp shows it only for accounts with a profile name.',
  })
  @ApiOkResponse({ type: OwnPresenceView })
  @ApiErrors(
    400,
    { status: 404, description: 'Unknown session' },
    {
      status: 409,
      description: 'The account has no profile name, which WhatsApp needs to show an online state',
      example: {
        error: 'No profile name',
        details: 'The account has no profile name yet; WhatsApp shows no online state without one',
      },
    },
    NOT_CONNECTED,
    502,
  )
  ownPresence(@Param('session') session: string, @Body() dto: OwnPresenceDto): Promise<OwnPresenceView> {
    return this.presence.ownPresence(session, dto.state);
  }

  @Post('presence/subscribe')
  @HttpCode(200)
  @ApiParam({ name: 'session', example: 'default' })
  @ApiOperation({
    summary: "Subscribe to a person's presence: online, offline (with last seen), typing, recording, paused",
    description:
      'WhatsApp answers with the current presence and then relays changes, each a `presence.update` event ' +
      '(webhooks and Socket.IO). WhatsApp ends subscriptions with the connection: the gateway subscribes again ' +
      'each time the session reconnects (up to 1000 people per session, kept until the gateway restarts).',
  })
  @ApiOkResponse({ type: SubscribePresenceView })
  @ApiErrors(BAD_CHAT, { status: 404, description: 'Unknown session' }, NOT_CONNECTED, 502)
  subscribe(
    @Param('session') session: string,
    @Body() dto: SubscribePresenceDto,
  ): Promise<SubscribePresenceView> {
    return this.presence.subscribe(session, dto.chatId);
  }
}
