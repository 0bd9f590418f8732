import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/errors/api-errors';
import { ContactsService } from './contacts.service';
import {
  BlocklistView,
  BlockView,
  ContactPage,
  ListContactsQuery,
  ProfilePictureView,
} from './dto/contacts.dto';

const SESSION = { name: 'session', example: 'default' };
const PHONE = {
  name: 'phone',
  example: '6281234567890',
  description: 'The person: digits with country code, a phone JID (`…@s.whatsapp.net`) or a LID (`…@lid`)',
};
const BAD_PHONE = {
  status: 400 as const,
  description: 'Not a person’s number or JID',
  example: {
    error: 'Invalid recipient',
    details: 'phone: start with the country code (e.g. 62...), not a leading 0',
  },
};
const NOT_CONNECTED = {
  status: 503 as const,
  description: 'The session is not connected (or its connection went away during the call)',
};

@ApiTags('contacts')
@ApiErrors(401)
@Controller('api/sessions/:session')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get('contacts')
  @ApiParam(SESSION)
  @ApiOperation({
    summary: 'The people the session knows: phone number, LID, address-book name, push name',
    description:
      'Learnt from WhatsApp (contact sync, incoming messages, phone ↔ LID mappings) and kept across restarts. ' +
      'In the order people became known; `cursor` pages on without gaps or repeats. `search` finds a person ' +
      'by name, by part of the phone number, or by LID. (Whether a number is on WhatsApp at all: ' +
      '`GET /api/sessions/{session}/contacts/{phone}`.)',
  })
  @ApiOkResponse({ type: ContactPage })
  @ApiErrors(400, { status: 404, description: 'Unknown session' })
  list(@Param('session') session: string, @Query() q: ListContactsQuery): Promise<ContactPage> {
    return this.contacts.list(session, q);
  }

  @Get('contacts/:phone/picture')
  @ApiParam(SESSION)
  @ApiParam(PHONE)
  @ApiOperation({
    summary: "The URL of a person's profile picture (asked of WhatsApp now)",
    description: 'WhatsApp’s URLs expire after a while: fetch the picture soon, or ask again.',
  })
  @ApiOkResponse({ type: ProfilePictureView })
  @ApiErrors(
    BAD_PHONE,
    {
      status: 404,
      description: 'Unknown session, or the person has no profile picture (or hides it from the account)',
      example: {
        error: 'No profile picture',
        details: '6281234567890@s.whatsapp.net has no profile picture, or does not show it to this account',
      },
    },
    NOT_CONNECTED,
    502,
  )
  picture(@Param('session') session: string, @Param('phone') phone: string): Promise<ProfilePictureView> {
    return this.contacts.picture(session, phone);
  }

  @Post('contacts/:phone/block')
  @HttpCode(200)
  @ApiParam(SESSION)
  @ApiParam(PHONE)
  @ApiOperation({ summary: 'Block a person: WhatsApp stops delivering their messages and calls' })
  @ApiOkResponse({ type: BlockView })
  @ApiErrors(
    BAD_PHONE,
    { status: 404, description: 'Unknown session' },
    {
      status: 409,
      description: 'A LID whose phone number is not known yet (WhatsApp needs it to block)',
      example: {
        error: 'Phone number unknown',
        details: 'WhatsApp needs the phone number to block 200000000000001@lid; it is not known yet',
      },
    },
    NOT_CONNECTED,
    502,
  )
  block(@Param('session') session: string, @Param('phone') phone: string): Promise<BlockView> {
    return this.contacts.setBlocked(session, phone, true);
  }

  @Post('contacts/:phone/unblock')
  @HttpCode(200)
  @ApiParam(SESSION)
  @ApiParam(PHONE)
  @ApiOperation({ summary: 'Unblock a person' })
  @ApiOkResponse({ type: BlockView })
  @ApiErrors(BAD_PHONE, { status: 404, description: 'Unknown session' }, NOT_CONNECTED, 502)
  unblock(@Param('session') session: string, @Param('phone') phone: string): Promise<BlockView> {
    return this.contacts.setBlocked(session, phone, false);
  }

  @Get('blocklist')
  @ApiParam(SESSION)
  @ApiOperation({ summary: "The account's block list (asked of WhatsApp now)" })
  @ApiOkResponse({ type: BlocklistView })
  @ApiErrors({ status: 404, description: 'Unknown session' }, NOT_CONNECTED, 502)
  blocklist(@Param('session') session: string): Promise<BlocklistView> {
    return this.contacts.blocklist(session);
  }
}
