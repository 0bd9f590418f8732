import { EventEmitter } from 'node:events';
import { ConnectionLost } from '../engine-errors';
import { ServerAcks } from './server-acks';

describe('ServerAcks', () => {
  let ws: EventEmitter;
  let timedOut: number;
  const make = (timeoutMs = 60_000) => new ServerAcks(ws, timeoutMs, () => (timedOut += 1));
  const state = (p: Promise<void>) =>
    Promise.race([
      p.then(
        () => 'resolved',
        (err: Error) => `rejected: ${err.name}`,
      ),
      new Promise((r) => setImmediate(() => r('waiting'))),
    ]);

  beforeEach(() => {
    ws = new EventEmitter();
    timedOut = 0;
  });

  it("resolves on the server's ack or a receipt for the id, not on other stanzas with that id", async () => {
    const acks = make();
    const byAck = acks.expect('A1');
    const byReceipt = acks.expect('A2');
    ws.emit('TAG:A1', { tag: 'iq', attrs: { id: 'A1' } });
    expect(await state(byAck.answered)).toBe('waiting');
    ws.emit('TAG:A1', { tag: 'ack', attrs: { class: 'message', id: 'A1' } });
    ws.emit('TAG:A2', { tag: 'receipt', attrs: { id: 'A2' } });
    expect(await state(byAck.answered)).toBe('resolved');
    expect(await state(byReceipt.answered)).toBe('resolved');
    expect(acks.size).toBe(0);
    expect(ws.listenerCount('TAG:A1')).toBe(0);
  });

  it('fails what is waiting with ConnectionLost when the connection closes, and anything expected after', async () => {
    const acks = make();
    const waiting = acks.expect('B1');
    acks.close();
    expect(await state(waiting.answered)).toBe('rejected: ConnectionLost');
    const late = acks.expect('B2');
    await expect(late.answered).rejects.toBeInstanceOf(ConnectionLost);
    expect(ws.listenerCount('TAG:B1') + ws.listenerCount('TAG:B2')).toBe(0);
  });

  it('fails with ConnectionLost and reports the timeout when no answer comes in time', async () => {
    jest.useFakeTimers();
    try {
      const acks = make(30_000);
      const waiting = acks.expect('C1');
      jest.advanceTimersByTime(29_999);
      expect(timedOut).toBe(0);
      jest.advanceTimersByTime(1);
      await expect(waiting.answered).rejects.toBeInstanceOf(ConnectionLost);
      expect(timedOut).toBe(1);
      expect(acks.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('cancel stops waiting without a timeout (the stanza was never written)', async () => {
    jest.useFakeTimers();
    try {
      const acks = make(30_000);
      const waiting = acks.expect('D1');
      waiting.cancel();
      await expect(waiting.answered).rejects.toThrow('not sent');
      jest.advanceTimersByTime(60_000);
      expect(timedOut).toBe(0);
      expect(ws.listenerCount('TAG:D1')).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
