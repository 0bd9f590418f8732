import { Curve, makeNoiseHandler, NOISE_WA_HEADER, proto, type BinaryNode } from '@whiskeysockets/baileys';
import pino from 'pino';
import WebSocket from 'ws';

/** A WebSocket to the sandbox that records whether and when the server closed it. */
export class RawSocket {
  readonly ws: WebSocket;
  readonly received: Buffer[] = [];
  readonly closed: Promise<void>;
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url, { origin: 'https://web.whatsapp.com' });
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: Buffer) => this.received.push(Buffer.from(data)));
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('close', () => reject(new Error('closed before open')));
    });
    this.closed = new Promise((resolve) => this.ws.once('close', () => resolve()));
  }

  send(bytes: Buffer): void {
    this.ws.send(bytes);
  }

  /** Resolves when the server has closed the socket; fails at the deadline. */
  async expectClosedBy(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('server did not close the connection')), timeoutMs);
    });
    try {
      await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  nextMessage(timeoutMs = 5_000): Promise<Buffer> {
    const start = this.received.length;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message from the server')), timeoutMs);
      const check = () => {
        if (this.received.length > start) {
          clearTimeout(timer);
          this.ws.off('message', check);
          resolve(this.received[start]);
        }
      };
      this.ws.on('message', check);
      check();
    });
  }
}

/**
 * Runs the client side of the Noise handshake with Baileys' own noise handler (as a login of an unknown
 * device) and returns the exact bytes it sent, so a test can replay them on another connection.
 */
export async function loginHandshake(
  url: string,
): Promise<{ sent: Buffer[]; firstNode: BinaryNode; socket: RawSocket }> {
  const socket = new RawSocket(url);
  await socket.opened;
  const ephemeral = Curve.generateKeyPair();
  const noiseKey = Curve.generateKeyPair();
  const noise = makeNoiseHandler({
    keyPair: ephemeral,
    NOISE_HEADER: NOISE_WA_HEADER,
    logger: pino({ level: 'silent' }),
    routingInfo: undefined,
  });
  const sent: Buffer[] = [];
  const send = (payload: Uint8Array) => {
    const frame = Buffer.from(noise.encodeFrame(payload));
    sent.push(frame);
    socket.send(frame);
  };
  const hello = socket.nextMessage();
  send(proto.HandshakeMessage.encode({ clientHello: { ephemeral: ephemeral.public } }).finish());
  const serverHello = (await hello).subarray(3);
  const keyEnc = noise.processHandshake(proto.HandshakeMessage.decode(serverHello), noiseKey);
  const payload = noise.encrypt(
    proto.ClientPayload.encode({ username: 6281299999999, device: 3, passive: true, pull: true }).finish(),
  );
  const first = socket.nextMessage();
  send(proto.HandshakeMessage.encode({ clientFinish: { static: keyEnc, payload } }).finish());
  await noise.finishInit();
  const firstNode = await new Promise<BinaryNode>((resolve) => {
    void first.then((bytes) => noise.decodeFrame(bytes, (node) => resolve(node as BinaryNode)));
  });
  return { sent, firstNode, socket };
}
