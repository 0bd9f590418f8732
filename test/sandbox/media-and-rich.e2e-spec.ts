import { createHash } from 'node:crypto';
import { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import { useLinkedClient } from '../support/linked-client';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('media and rich messages', () => {
  const linked = useLinkedClient();
  const contact = '6281234500401';
  const jid = `${contact}@s.whatsapp.net`;

  const recorded = (sent: WAMessage | undefined) =>
    linked.sandbox.waitForReceived(contact, (m) => m.id === sent!.key.id);

  it('records an uploaded image with caption and the exact bytes', async () => {
    const bytes = Buffer.concat([Buffer.from('\x89PNG fake image '), Buffer.alloc(5000, 7)]);
    const sent = await linked.client.sock!.sendMessage(jid, {
      image: bytes,
      caption: 'a picture',
      mimetype: 'image/png',
    });
    const m = await recorded(sent);
    expect(m).toMatchObject({
      kind: 'image',
      caption: 'a picture',
      mimetype: 'image/png',
      media: { sha256: sha256(bytes), length: bytes.length },
    });
    expect(m.mediaError).toBeUndefined();
  });

  it('records a document with file name, mimetype and bytes', async () => {
    const bytes = Buffer.from('%PDF-1.4 sandbox document body');
    const sent = await linked.client.sock!.sendMessage(jid, {
      document: bytes,
      mimetype: 'application/pdf',
      fileName: 'invoice.pdf',
    });
    expect(await recorded(sent)).toMatchObject({
      kind: 'document',
      fileName: 'invoice.pdf',
      mimetype: 'application/pdf',
      media: { sha256: sha256(bytes), length: bytes.length },
    });
  });

  it('records location, contact card, quoted reply and reaction', async () => {
    const sock = linked.client.sock!;
    const location = await sock.sendMessage(jid, {
      location: { degreesLatitude: -6.2088, degreesLongitude: 106.8456 },
    });
    expect(await recorded(location)).toMatchObject({
      kind: 'location',
      latitude: -6.2088,
      longitude: 106.8456,
    });

    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nTEL;type=CELL;waid=628111:+62 811 1\nEND:VCARD';
    const card = await sock.sendMessage(jid, {
      contacts: { displayName: 'Jane Doe', contacts: [{ vcard }] },
    });
    expect(await recorded(card)).toMatchObject({ kind: 'contact', vcard });

    const original = await sock.sendMessage(jid, { text: 'original' });
    const reply = await sock.sendMessage(jid, { text: 'the reply' }, { quoted: original! });
    expect(await recorded(reply)).toMatchObject({
      kind: 'text',
      text: 'the reply',
      quotedId: original!.key.id,
    });

    const reaction = await sock.sendMessage(jid, { react: { text: '👍', key: original!.key } });
    expect(await recorded(reaction)).toMatchObject({
      kind: 'reaction',
      reaction: { text: '👍', targetId: original!.key.id },
    });
  });

  it('delivers an inbound image with caption that downloadMediaMessage decrypts to the same bytes', async () => {
    const bytes = Buffer.concat([Buffer.from('inbound picture '), Buffer.alloc(3000, 9)]);
    const { id } = await linked.sandbox.contactSend(
      contact,
      linked.phone,
      { image: { caption: 'look at this', mimetype: 'image/jpeg', bytes } },
      { pushName: 'Carol' },
    );
    const upsert = await linked.client.waitFor(
      'messages.upsert',
      (u) => u.type === 'notify' && u.messages.some((m) => m.key.id === id),
    );
    const msg = upsert.messages.find((m) => m.key.id === id)!;
    expect(msg.message?.imageMessage?.caption).toBe('look at this');
    expect(msg.message?.imageMessage?.mimetype).toBe('image/jpeg');
    const downloaded = await downloadMediaMessage(msg, 'buffer', {
      options: { dispatcher: linked.sandbox.mediaDispatcher } as RequestInit,
    });
    expect(sha256(downloaded)).toBe(sha256(bytes));
  });
});
