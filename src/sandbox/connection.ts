import { decodeBinaryNode, encodeBinaryNode, type BinaryNode } from '@whiskeysockets/baileys';
import type { WebSocket } from 'ws';
import { encodeFrame, FrameReader } from './framing';
import { NoiseResponder, type HandshakeResult, type TransportCipher } from './noise';
import type { SandboxLog } from './types';

const HANDSHAKE_TIMEOUT_MS = 20_000;

export interface ConnectionHandlers {
  /** Called once the Noise handshake is complete; decides whether the client may stay. */
  onHandshake(conn: ClientConnection, result: HandshakeResult): Promise<void>;
  /** Called for every node the client sends, one at a time, in order. */
  onNode(conn: ClientConnection, node: BinaryNode): Promise<void>;
  /** Called after every frame already received has been processed. */
  onClose(conn: ClientConnection): void;
}

let nextConnectionId = 1;

/**
 * One client WebSocket: framing, handshake, transport cipher and node (de)serialisation. Incoming frames are
 * processed strictly in order on a promise chain; handlers must never wait on a client reply inside it
 * (WA-PROTOCOL.md pitfall 1), which is why server-initiated iqs resolve from here, before any handler runs.
 */
export class ClientConnection {
  readonly id = nextConnectionId++;
  /** Set by the handlers: which account/device (or pairing) this connection belongs to. */
  context: Record<string, unknown> = {};
  private readonly reader = new FrameReader();
  private noise? = new NoiseResponder();
  private transport?: TransportCipher;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private idCounter = 0;
  private readonly pending = new Map<string, (node: BinaryNode) => void>();
  private readonly handshakeTimer: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  /** When the last WebSocket frame came in (epoch ms). */
  private lastFrameAt = Date.now();
  /** Why the connection closed (see ConnectionRecord.reason); undefined while open or when the client closed it. */
  closeReason?: string;
  /** When the socket closed (epoch ms). */
  closedAt?: number;

  constructor(
    private readonly ws: WebSocket,
    private readonly handlers: ConnectionHandlers,
    private readonly log: SandboxLog,
  ) {
    this.handshakeTimer = setTimeout(() => this.close('handshake timeout'), HANDSHAKE_TIMEOUT_MS);
    this.handshakeTimer.unref();
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      this.lastFrameAt = Date.now();
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      this.queue = this.queue.then(() => this.receive(chunk));
    });
    ws.on('close', () => {
      this.closed = true;
      this.closedAt ??= Date.now();
      this.closeReason ??= 'closed by client';
      clearTimeout(this.handshakeTimer);
      clearTimeout(this.idleTimer);
      for (const resolve of this.pending.values()) resolve({ tag: 'closed', attrs: {} });
      this.pending.clear();
      // Process every frame already received first: logout sends its iq and closes in the same tick.
      this.queue = this.queue.then(() => this.handlers.onClose(this));
    });
    ws.on('error', (err) => this.log('debug', 'websocket error', { conn: this.id, err: err.message }));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get isAuthenticated(): boolean {
    return this.transport !== undefined;
  }

  nextId(): string {
    return `sbx.${this.id}.${++this.idCounter}`;
  }

  sendNode(node: BinaryNode): void {
    if (this.closed || !this.transport) return;
    const frame = encodeFrame(this.transport.encrypt(Buffer.from(encodeBinaryNode(node))));
    this.ws.send(frame);
  }

  /** Sends a server-initiated iq and resolves with the client's reply (or a `closed` node). Never await it in a handler. */
  query(node: BinaryNode, timeoutMs = 30_000): Promise<BinaryNode> {
    const id = node.attrs.id ?? this.nextId();
    node.attrs.id = id;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ tag: 'timeout', attrs: {} });
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.sendNode(node);
      if (this.closed) this.pending.get(id)?.({ tag: 'closed', attrs: {} });
    });
  }

  /** Sends `<stream:error code=…>` (with an optional child) and closes, as the real server does. */
  streamError(code: string, child?: BinaryNode, reason = `stream error ${code}`): void {
    this.sendNode({ tag: 'stream:error', attrs: { code }, content: child ? [child] : undefined });
    this.close(reason);
  }

  /**
   * Closes the connection once nothing came from the client for `ms`, as WhatsApp's servers drop a silent
   * client. Baileys pings every `keepAliveIntervalMs`, so a live client with a shorter keep-alive stays.
   */
  watchIdle(ms: number): void {
    const check = () => {
      if (this.closed) return;
      const silentFor = Date.now() - this.lastFrameAt;
      if (silentFor >= ms) return this.close('idle');
      this.idleTimer = setTimeout(check, ms - silentFor);
      this.idleTimer.unref();
    };
    check();
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason ??= reason;
    this.closedAt ??= Date.now();
    clearTimeout(this.idleTimer);
    this.log('debug', 'closing connection', { conn: this.id, reason });
    clearTimeout(this.handshakeTimer);
    // Give the last frame a moment to flush before the socket goes away.
    setTimeout(() => this.ws.terminate(), 50).unref();
    this.ws.close();
  }

  /** Drops the TCP connection without any protocol goodbye. */
  terminate(reason = 'dropped'): void {
    this.closeReason ??= reason;
    this.closedAt ??= Date.now();
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.ws.terminate();
  }

  private async receive(chunk: Buffer): Promise<void> {
    if (this.closed && !this.transport) return;
    try {
      for (const frame of this.reader.push(chunk)) {
        await this.handleFrame(frame);
      }
    } catch (err) {
      this.log('debug', 'refusing connection', { conn: this.id, err: (err as Error).message });
      this.close('protocol error');
    }
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    if (this.noise && !this.context.helloDone) {
      this.context.helloDone = true;
      this.ws.send(encodeFrame(this.noise.serverHello(frame)));
      return;
    }
    if (this.noise) {
      const result = this.noise.clientFinish(frame);
      this.noise = undefined;
      this.transport = result.transport;
      clearTimeout(this.handshakeTimer);
      await this.handlers.onHandshake(this, result);
      return;
    }
    if (!this.transport) return;
    const node = await decodeBinaryNode(this.transport.decrypt(frame));
    const waiting = node.tag === 'iq' && node.attrs.id ? this.pending.get(node.attrs.id) : undefined;
    if (waiting && (node.attrs.type === 'result' || node.attrs.type === 'error')) {
      this.pending.delete(node.attrs.id);
      waiting(node);
      return;
    }
    try {
      await this.handlers.onNode(this, node);
    } catch (err) {
      // A node the sandbox cannot handle is logged, not fatal: real servers ignore what they do not understand.
      this.log('warn', 'node handler failed', { conn: this.id, tag: node.tag, err: (err as Error).stack });
    }
  }
}
