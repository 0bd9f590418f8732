import { backlog, isLagging } from './backpressure';

describe('backpressure', () => {
  const limits = { maxQueuedPackets: 3, maxBufferedBytes: 100 };

  it('counts queued packets and their bytes plus the WebSocket buffer', () => {
    const conn = {
      writeBuffer: [{ data: 'abcd' }, { data: new Uint8Array(6) }, {}],
      transport: { socket: { bufferedAmount: 10 } },
    };
    expect(backlog(conn)).toEqual({ packets: 3, bytes: 20 });
  });

  it('treats an idle connection (or one without these internals) as keeping up', () => {
    expect(isLagging({}, limits)).toBe(false);
    expect(isLagging({ writeBuffer: [], transport: { socket: { bufferedAmount: 0 } } }, limits)).toBe(false);
  });

  it('flags a client past either limit', () => {
    expect(isLagging({ writeBuffer: [{}, {}, {}] }, limits)).toBe(true);
    expect(isLagging({ writeBuffer: [], transport: { socket: { bufferedAmount: 100 } } }, limits)).toBe(true);
    expect(isLagging({ writeBuffer: [{ data: 'x'.repeat(99) }] }, limits)).toBe(false);
    expect(isLagging({ writeBuffer: [{ data: 'x'.repeat(100) }] }, limits)).toBe(true);
  });
});
