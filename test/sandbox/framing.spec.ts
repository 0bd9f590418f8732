import { FrameReader, FramingError, WA_INTRO } from '../../src/sandbox/framing';

const frame = (payload: Buffer) =>
  Buffer.concat([
    Buffer.from([payload.length >> 16, (payload.length >> 8) & 0xff, payload.length & 0xff]),
    payload,
  ]);

describe('FrameReader', () => {
  it('splits frames after the plain WA intro, across chunk boundaries', () => {
    const reader = new FrameReader();
    const bytes = Buffer.concat([WA_INTRO, frame(Buffer.from('one')), frame(Buffer.from('two'))]);
    const out = [...reader.push(bytes.subarray(0, 6)), ...reader.push(bytes.subarray(6))];
    expect(out.map((b) => b.toString())).toEqual(['one', 'two']);
  });

  it('accepts the "ED" routing header before the intro', () => {
    const routing = Buffer.from([8, 2, 8, 5]);
    const header = Buffer.concat([Buffer.from('ED'), Buffer.from([0, 1, 0, 0, routing.length]), routing]);
    const reader = new FrameReader();
    expect(reader.push(Buffer.concat([header, WA_INTRO, frame(Buffer.from('hello'))]))[0].toString()).toBe(
      'hello',
    );
  });

  it('rejects a stream without the intro and frames above the limit', () => {
    expect(() => new FrameReader().push(Buffer.from('GET / HTTP/1.1'))).toThrow(FramingError);
    expect(() => new FrameReader(1024).push(Buffer.concat([WA_INTRO, Buffer.from([0, 8, 0])]))).toThrow(
      FramingError,
    );
  });
});
