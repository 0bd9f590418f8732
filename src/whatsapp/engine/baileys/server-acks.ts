import type { EventEmitter } from 'node:events';
import { ConnectionLost } from '../engine-errors';

/** A frame as Baileys emits it on its WebSocket: `TAG:<id>` for every received stanza with that id. */
interface TaggedFrame {
  tag: string;
}

/** The stanzas that prove WhatsApp's server holds a message: its `<ack>`, or a receipt for it. */
const ANSWERS = new Set(['ack', 'receipt']);

/**
 * Waits for WhatsApp's server to answer sent message stanzas. A stanza written to the socket may still be in
 * the kernel's buffer when the process dies, and is then lost; only the server's answer proves it arrived.
 * Baileys emits every received stanza that has an id as `TAG:<id>` on its WebSocket: the server's
 * `<ack class="message" id=...>`, or a receipt for the message (which also means the server had it).
 */
export class ServerAcks {
  private closed = false;
  /** Waiters still open, failed at once when the connection closes. */
  private readonly waiting = new Set<(err?: Error) => void>();

  constructor(
    private readonly ws: EventEmitter,
    private readonly timeoutMs: number,
    /** Called when an answer did not come in time (the connection is then assumed dead). */
    private readonly onTimeout: () => void,
  ) {}

  /**
   * Resolves when the server answers the stanza with this id. Call it before the stanza is written: the answer
   * can arrive before the write's promise settles. `answered` rejects with ConnectionLost when the connection
   * closes first or no answer comes within the timeout; `cancel()` stops waiting (the stanza was never written).
   */
  expect(id: string): { answered: Promise<void>; cancel(): void } {
    const event = `TAG:${id}`;
    let cancel!: () => void;
    const answered = new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.ws.off(event, onFrame);
        this.waiting.delete(done);
        if (err) reject(err);
        else resolve();
      };
      const onFrame = (frame: TaggedFrame) => {
        if (ANSWERS.has(frame?.tag)) done();
      };
      const timer = setTimeout(() => {
        done(new ConnectionLost('WhatsApp did not acknowledge the message in time'));
        this.onTimeout();
      }, this.timeoutMs);
      timer.unref?.();
      this.ws.on(event, onFrame);
      this.waiting.add(done);
      cancel = () => done(new Error('not sent'));
      if (this.closed) done(new ConnectionLost('connection closed before WhatsApp acknowledged the message'));
    });
    // Awaited by the sender once its stanza is written; a send that fails first must not leave it unhandled.
    answered.catch(() => undefined);
    return { answered, cancel };
  }

  /** The connection closed: every stanza still waiting goes back to its sender as ConnectionLost. */
  close(): void {
    this.closed = true;
    const lost = new ConnectionLost('connection closed before WhatsApp acknowledged the message');
    for (const done of [...this.waiting]) done(lost);
  }

  /** Stanzas still waiting for an answer. */
  get size(): number {
    return this.waiting.size;
  }
}
