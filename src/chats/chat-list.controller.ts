import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/errors/api-errors';
import { MessagePage } from '../messaging/dto/list-messages.query';
import { ChatListService } from './chat-list.service';
import { ChatMessagesQuery, ChatPageView, ListChatsQuery } from './dto/chat-list.dto';

const BAD_CURSOR = {
  status: 400 as const,
  description: 'Invalid query (limit, cursor, filter)',
  example: { error: 'Invalid cursor', details: 'cursor must be a nextCursor value from a previous page' },
};
const NO_SESSION = {
  status: 404 as const,
  description: 'Unknown session',
  example: { error: 'Session not found', details: 'No session with id "sales"' },
};

@ApiTags('chats')
@ApiErrors(401)
@Controller('api/sessions/:session/chats')
export class ChatListController {
  constructor(private readonly chats: ChatListService) {}

  @Get()
  @ApiParam({ name: 'session', example: 'default' })
  @ApiOperation({
    summary: 'The chats, newest activity first, each with its last message and unread count',
    description:
      "Every chat of the session's message history (the chat's newest message orders the list), with what " +
      "WhatsApp's sync told about it (name, archived, pinned, muted; null when it never said). Cursor pages: a " +
      'walk through the pages keeps the order of its first page, so no chat comes twice and none is skipped ' +
      'while messages arrive; a chat that gets a message meanwhile stays at its place in the walk (its row ' +
      'shows the new message), and a chat whose first message came after the first page is on the next walk.',
  })
  @ApiOkResponse({ type: ChatPageView })
  @ApiErrors(BAD_CURSOR, NO_SESSION)
  list(@Param('session') session: string, @Query() query: ListChatsQuery): Promise<ChatPageView> {
    return this.chats.list(session, query);
  }

  @Get(':chatId/messages')
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam({
    name: 'chatId',
    example: '6281234567890',
    description: 'The chat: digits with country code, or a JID (`…@s.whatsapp.net`, `…@lid`, `…@g.us`)',
  })
  @ApiOperation({
    summary: "A chat's messages, newest first, with stable cursor pagination",
    description:
      'The message history (GET .../messages) of one chat, with the same filters and cursor. A chat with no ' +
      'stored messages has an empty page.',
  })
  @ApiOkResponse({ type: MessagePage })
  @ApiErrors(
    {
      status: 400,
      description: 'Invalid chat id, cursor or filter',
      example: {
        error: 'Invalid recipient',
        details: 'chatId: use digits with country code (e.g. 6281234567890) or a JID',
      },
    },
    NO_SESSION,
  )
  messages(
    @Param('session') session: string,
    @Param('chatId') chatId: string,
    @Query() query: ChatMessagesQuery,
  ): Promise<MessagePage> {
    return this.chats.messagesOf(session, chatId, query);
  }
}
