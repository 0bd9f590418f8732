import { proto, WAMessage } from '@whiskeysockets/baileys';
import { toInboundMessage } from './message-mapper';

const dm = (message: proto.IMessage, extra: Partial<WAMessage> = {}): WAMessage =>
  ({
    key: { remoteJid: '6281234567890@s.whatsapp.net', id: 'ABC', fromMe: false },
    message,
    messageTimestamp: 1700000000,
    pushName: 'Budi',
    ...extra,
  }) as WAMessage;

describe('toInboundMessage', () => {
  it('takes text from plain, extended, ephemeral and view-once wrappers', () => {
    expect(toInboundMessage(dm({ conversation: 'a' }))?.text).toBe('a');
    expect(toInboundMessage(dm({ extendedTextMessage: { text: 'b' } }))?.text).toBe('b');
    expect(toInboundMessage(dm({ ephemeralMessage: { message: { conversation: 'c' } } }))?.text).toBe('c');
    const viewOnce = dm({
      viewOnceMessageV2: { message: { imageMessage: { caption: 'd', mimetype: 'image/jpeg' } } },
    });
    expect(toInboundMessage(viewOnce)).toMatchObject({
      type: 'image',
      text: 'd',
      media: { mimetype: 'image/jpeg' },
    });
  });

  it('maps sender, push name, quoted id, media and location', () => {
    const m = toInboundMessage(
      dm({
        documentMessage: {
          fileName: 'a.pdf',
          mimetype: 'application/pdf',
          fileLength: 1234,
          caption: 'invoice',
          contextInfo: { stanzaId: 'Q1' },
        },
      }),
    )!;
    expect(m).toMatchObject({
      waMessageId: 'ABC',
      chatJid: '6281234567890@s.whatsapp.net',
      chatType: 'direct',
      senderPhone: '6281234567890',
      pushName: 'Budi',
      type: 'document',
      text: 'invoice',
      quotedMessageId: 'Q1',
      media: { fileName: 'a.pdf', size: 1234 },
      timestamp: 1700000000,
    });
    const loc = toInboundMessage(
      dm({ locationMessage: { degreesLatitude: -6.2, degreesLongitude: 106.8 } }),
    )!;
    expect(loc.location).toEqual({ latitude: -6.2, longitude: 106.8, name: null });
  });

  it("keeps what downloading a media message's file takes, binary fields as base64", () => {
    const key = Buffer.alloc(32, 7);
    const m = toInboundMessage(
      dm({
        audioMessage: {
          url: 'https://mmg.whatsapp.net/v/t62.7117-24/abc.enc?ccb=11-4',
          directPath: '/v/t62.7117-24/abc.enc?ccb=11-4',
          mediaKey: key,
          fileSha256: Buffer.alloc(32, 1),
          fileEncSha256: Buffer.alloc(32, 2),
          fileLength: 5120,
          mimetype: 'audio/ogg; codecs=opus',
          ptt: true,
          seconds: 4,
        },
      }),
    );
    expect(m).toMatchObject({
      type: 'audio',
      media: { mimetype: 'audio/ogg; codecs=opus', size: 5120, voiceNote: true, seconds: 4 },
      mediaDownload: {
        kind: 'audio',
        directPath: '/v/t62.7117-24/abc.enc?ccb=11-4',
        url: 'https://mmg.whatsapp.net/v/t62.7117-24/abc.enc?ccb=11-4',
        mediaKey: key.toString('base64'),
        fileSha256: Buffer.alloc(32, 1).toString('base64'),
        fileEncSha256: Buffer.alloc(32, 2).toString('base64'),
        fileLength: 5120,
      },
    });
    // Without a media key (or anywhere to fetch from) there is nothing to download.
    expect(toInboundMessage(dm({ imageMessage: { mimetype: 'image/jpeg' } }))?.mediaDownload).toBeUndefined();
    expect(
      toInboundMessage(dm({ stickerMessage: { mediaKey: key, mimetype: 'image/webp' } }))?.mediaDownload,
    ).toBeUndefined();
  });

  it('keeps both addresses of a LID-addressed sender', () => {
    const m = toInboundMessage(
      dm(
        { conversation: 'hi' },
        {
          key: {
            remoteJid: '100000000000002@lid',
            remoteJidAlt: '6281234567890@s.whatsapp.net',
            id: 'L1',
            fromMe: false,
          } as any,
        },
      ),
    )!;
    expect(m).toMatchObject({ senderLid: '100000000000002@lid', senderPhone: '6281234567890' });
  });

  it('reads the group participant as the sender', () => {
    const m = toInboundMessage(
      dm(
        { conversation: 'hi all' },
        { key: { remoteJid: '1203630@g.us', id: 'G1', participant: '6281111111111@s.whatsapp.net' } },
      ),
    )!;
    expect(m).toMatchObject({ chatType: 'group', senderPhone: '6281111111111', chatJid: '1203630@g.us' });
  });

  it('skips stubs, protocol messages and empty messages; marks status broadcasts as system', () => {
    expect(toInboundMessage(dm({ conversation: 'x' }, { messageStubType: 1 }))).toBeNull();
    expect(toInboundMessage(dm({ protocolMessage: { type: 0 } }))).toBeNull();
    expect(toInboundMessage(dm(undefined as any))).toBeNull();
    const status = toInboundMessage(
      dm(
        { conversation: 's' },
        { key: { remoteJid: 'status@broadcast', id: 'S', participant: '628@s.whatsapp.net' } },
      ),
    )!;
    expect(status.system).toBe(true);
  });

  it('maps a message that could not be decrypted to type undecryptable with the reason', () => {
    const stub = { messageStubType: 2, messageStubParameters: ['Bad MAC'] } as Partial<WAMessage>;
    expect(toInboundMessage(dm(undefined as any, stub))).toMatchObject({
      waMessageId: 'ABC',
      chatJid: '6281234567890@s.whatsapp.net',
      senderPhone: '6281234567890',
      pushName: 'Budi',
      type: 'undecryptable',
      text: null,
      undecryptable: 'Bad MAC',
      timestamp: 1700000000,
    });
    // the account's own phone's protocol messages are no chat messages
    expect(toInboundMessage(dm(undefined as any, { ...stub, category: 'peer' } as any))).toBeNull();
  });

  it('maps a reaction to a change of its target, not to a message of its own', () => {
    // the contact reacts to the account's message: from its side, not fromMe
    const m = toInboundMessage(
      dm({
        reactionMessage: { text: '👍', key: { id: 'T1', fromMe: false }, senderTimestampMs: 1700000001000 },
      }),
    )!;
    expect(m.change).toEqual({
      kind: 'reaction',
      targetId: 'T1',
      targetFromMe: true,
      emoji: '👍',
      reactedAt: 1700000001000,
    });
    expect(m.text).toBeNull();
    // to its own message; an empty emoji removes the reaction
    const own = toInboundMessage(dm({ reactionMessage: { text: '', key: { id: 'T2', fromMe: true } } }))!;
    expect(own.change).toMatchObject({ kind: 'reaction', targetId: 'T2', targetFromMe: false, emoji: '' });
    // the account's own phone reacts: the key is already from the account's side
    const mine = toInboundMessage(
      dm(
        { reactionMessage: { text: '❤️', key: { id: 'T3', fromMe: true } } },
        {
          key: { remoteJid: '6281234567890@s.whatsapp.net', id: 'R3', fromMe: true },
        },
      ),
    )!;
    expect(mine.change).toMatchObject({ targetId: 'T3', targetFromMe: true });
  });

  it('maps edits and revokes to changes, and leaves other protocol messages out', () => {
    const Type = proto.Message.ProtocolMessage.Type;
    const edit = toInboundMessage(
      dm({
        protocolMessage: {
          type: Type.MESSAGE_EDIT,
          key: { id: 'T1' },
          editedMessage: { conversation: 'fixed' },
          timestampMs: 1700000005000,
        },
      }),
    )!;
    expect(edit.change).toEqual({ kind: 'edit', targetId: 'T1', text: 'fixed', editedAt: 1700000005000 });
    // WhatsApp may wrap the edit in an editedMessage container
    const wrapped = toInboundMessage(
      dm({
        editedMessage: {
          message: {
            protocolMessage: {
              type: Type.MESSAGE_EDIT,
              key: { id: 'T2' },
              editedMessage: { extendedTextMessage: { text: 'again' } },
            },
          },
        },
      }),
    )!;
    expect(wrapped.change).toEqual({ kind: 'edit', targetId: 'T2', text: 'again', editedAt: 1700000000000 });
    const revoke = toInboundMessage(dm({ protocolMessage: { type: Type.REVOKE, key: { id: 'T3' } } }))!;
    expect(revoke.change).toEqual({ kind: 'revoke', targetId: 'T3', revokedAt: 1700000000000 });
    expect(
      toInboundMessage(dm({ protocolMessage: { type: Type.HISTORY_SYNC_NOTIFICATION, key: { id: 'X' } } })),
    ).toBeNull();
    expect(
      toInboundMessage(dm({ protocolMessage: { type: Type.MESSAGE_EDIT, key: { id: 'X' } } })),
    ).toBeNull();
  });

  it('maps polls with their options, and votes as encrypted changes of the poll', () => {
    const poll = toInboundMessage(
      dm({
        pollCreationMessageV3: {
          name: 'Lunch?',
          options: [{ optionName: 'Rice' }, { optionName: 'Noodles' }],
          selectableOptionsCount: 1,
        },
      }),
    )!;
    expect(poll).toMatchObject({
      type: 'poll',
      text: 'Lunch?',
      poll: { question: 'Lunch?', options: ['Rice', 'Noodles'], selectableCount: 1 },
    });
    const vote = toInboundMessage(
      dm({
        pollUpdateMessage: {
          pollCreationMessageKey: { id: 'P1' },
          vote: { encPayload: Buffer.from('payload'), encIv: Buffer.from('iv') },
          senderTimestampMs: 1700000009000,
        },
      }),
    )!;
    expect(vote.change).toEqual({
      kind: 'poll_vote',
      targetId: 'P1',
      vote: {
        encPayload: Buffer.from('payload').toString('base64'),
        encIv: Buffer.from('iv').toString('base64'),
      },
      votedAt: 1700000009000,
    });
  });
});
