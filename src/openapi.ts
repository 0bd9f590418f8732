import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { completeErrorResponses } from './openapi-errors';

export const API_KEY_SCHEME = 'api-key';
export const BEARER_SCHEME = 'bearer';

/** The tags in the order a newcomer needs them, each with what it covers. */
const TAGS: [name: string, description: string][] = [
  ['sessions', 'Link WhatsApp accounts (QR or pairing code), see their status, stop, restart, log out'],
  [
    'messages',
    'Send messages (text, media, reactions, polls) through the paced, durable queue; edit and delete sent ' +
      'messages; message history with edits, reactions and poll tallies (`message.edited`, `message.revoked`, ' +
      '`message.reaction`, `poll.vote` events); contact lookup',
  ],
  [
    'webhooks',
    'Signed (Standard Webhooks), durable delivery of events to your endpoints: endpoints, delivery log, ' +
      'retry, recover; and the inbound webhook other systems post to',
  ],
  [
    'chats',
    "The chat list (last message, unread count, archived, pinned, muted) and each chat's messages; read " +
      'receipts for incoming messages, typing and recording indicators, the online state, and ' +
      "subscriptions to people's presence (`presence.update` events)",
  ],
  [
    'contacts',
    'The people each session knows (phone number, LID, names), profile pictures, blocking and the block ' +
      'list; `contact.mapped` events when a LID gets its phone number',
  ],
  [
    'groups',
    'Groups of the account: list, create, inspect, change subject, description and settings, manage ' +
      'participants, invite links, join and leave. Send to a group with `POST .../messages` (`to`: the group ' +
      'JID, `mentions`: phones). Group changes are events (webhooks and Socket.IO), `data` with `session`, ' +
      '`group` and `by` (who did it): `group.join` (the account was added or created it), `group.leave` ' +
      '(`reason`: `left` or `removed`), `group.participants` (`action`: add, remove, promote, demote, leave; ' +
      '`participants`), `group.update` (`changes`: subject, description, announcementOnly, locked, ' +
      'approvalRequired, inviteCode). Example: `{"type":"group.participants","session":"default","data":' +
      '{"session":"default","group":"120363000000000001@g.us","action":"add","participants":' +
      '[{"jid":"6281234567892@s.whatsapp.net","phone":"6281234567892","lid":null}],' +
      '"by":{"jid":"6280000000001@s.whatsapp.net","phone":"6280000000001"}}}`',
  ],
  ['auto-reply', 'Rules that answer incoming messages, and a dry run'],
  ['seed-compatible', "The original gateway's routes and response shapes, on the `default` session"],
  [
    'sandbox',
    'Only with SANDBOX=true: the simulated phone, contacts and webhook inspector, to try it offline',
  ],
  ['stats', 'Message, receipt and webhook figures per hour or day, for the dashboard'],
  ['metrics', 'Prometheus metrics (text format)'],
  [
    'cluster',
    'Several gateway nodes on one PostgreSQL: the nodes, which node owns each session (its lease), and moving ' +
      'a session to another node. Any node answers any call; calls that need the live connection are forwarded ' +
      'to the owner',
  ],
  ['info', 'Version and mode of this gateway'],
  ['health', 'Liveness of the database, memory and WhatsApp sessions (public)'],
];

/** The OpenAPI 3 document of the running application. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('WhatsApp Gateway API')
    .setDescription(
      'Link WhatsApp accounts, send messages, and receive messages, receipts and connection changes as signed ' +
        'webhooks and Socket.IO events. Every route except /health and /docs needs the API key, sent as ' +
        '`X-API-Key: <key>` or `Authorization: Bearer <key>`. Errors are always `{error, details}`.',
    )
    .setVersion('1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, API_KEY_SCHEME)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'The same API key as a bearer token' },
      BEARER_SCHEME,
    )
    .addSecurityRequirements(API_KEY_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME);
  for (const [name, description] of TAGS) builder.addTag(name, description);
  return completeErrorResponses(SwaggerModule.createDocument(app, builder.build()));
}

/** Swagger UI at /docs and the OpenAPI 3 document at /docs-json, both public. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'WhatsApp Gateway API',
  });
}
