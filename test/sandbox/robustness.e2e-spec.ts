import { randomBytes } from 'node:crypto';
import { useLinkedClient } from '../support/linked-client';
import { loginHandshake, RawSocket } from '../support/raw-noise-client';

const INTRO = Buffer.from([0x57, 0x41, 0x06, 0x03]);
const frame = (payload: Buffer) =>
  Buffer.concat([
    Buffer.from([payload.length >> 16, (payload.length >> 8) & 0xff, payload.length & 0xff]),
    payload,
  ]);

describe('hostile and broken clients', () => {
  const linked = useLinkedClient();

  /** The linked client still sends and receives after each attack. */
  async function stillServing(tag: string): Promise<void> {
    const contact = '6281234500301';
    const sent = await linked.client.sock!.sendMessage(`${contact}@s.whatsapp.net`, { text: `after ${tag}` });
    await linked.sandbox.waitForReceived(contact, (m) => m.id === sent!.key.id);
    const inbound = await linked.sandbox.contactSend(contact, linked.phone, { text: `reply after ${tag}` });
    await linked.client.waitFor('messages.upsert', (u) => u.messages.some((m) => m.key.id === inbound.id));
    expect(linked.sandbox.isConnected(linked.phone)).toBe(true);
  }

  it('closes a connection that sends garbage instead of the intro', async () => {
    const raw = new RawSocket(linked.sandbox.wsUrl);
    await raw.opened;
    raw.send(randomBytes(64));
    await raw.expectClosedBy();
    await stillServing('garbage');
  });

  it('closes a connection whose first frame is not a ClientHello', async () => {
    const raw = new RawSocket(linked.sandbox.wsUrl);
    await raw.opened;
    raw.send(Buffer.concat([INTRO, frame(randomBytes(100))]));
    await raw.expectClosedBy();
    await stillServing('bad hello');
  });

  it('closes a connection that announces an oversized frame', async () => {
    const raw = new RawSocket(linked.sandbox.wsUrl);
    await raw.opened;
    raw.send(Buffer.concat([INTRO, Buffer.from([0xff, 0xff, 0xff]), randomBytes(32)]));
    await raw.expectClosedBy();
    await stillServing('oversized frame');
  });

  it('survives a client that hangs up in the middle of the handshake', async () => {
    const raw = new RawSocket(linked.sandbox.wsUrl);
    await raw.opened;
    const { proto, Curve } = await import('@whiskeysockets/baileys');
    const hello = Buffer.from(
      proto.HandshakeMessage.encode({ clientHello: { ephemeral: Curve.generateKeyPair().public } }).finish(),
    );
    const serverHello = raw.nextMessage();
    raw.send(Buffer.concat([INTRO, frame(hello)]));
    await serverHello;
    raw.ws.terminate();
    await raw.closed;
    await stillServing('hang-up');
  });

  it('refuses a replayed handshake and answers an unknown device with failure 401', async () => {
    const { sent, firstNode, socket } = await loginHandshake(linked.sandbox.wsUrl);
    expect(firstNode).toMatchObject({ tag: 'failure', attrs: { reason: '401' } });
    await socket.expectClosedBy();

    // The same ClientHello and ClientFinish bytes again: the server's fresh ephemeral makes the finish undecryptable.
    const replay = new RawSocket(linked.sandbox.wsUrl);
    await replay.opened;
    replay.send(sent[0]);
    await replay.nextMessage();
    replay.send(sent[1]);
    await replay.expectClosedBy();
    await stillServing('replay');
  });
});
