import { scrub } from './scrub';

describe('scrub', () => {
  it('masks phone numbers in every string, nested ones included', () => {
    expect(
      scrub(
        { chat: '6281234567890@s.whatsapp.net', to: ['6289876543210'], meta: { phone: '+14155550123' } },
        false,
      ),
    ).toEqual({
      chat: '62812****7890@s.whatsapp.net',
      to: ['62898****3210'],
      meta: { phone: '+14155****0123' },
    });
  });

  it('redacts message texts and push names', () => {
    expect(
      scrub({ text: 'secret', caption: 'photo', pushName: 'Budi', status: 200, text2: 'x' }, false),
    ).toEqual({
      text: '[redacted]',
      caption: '[redacted]',
      pushName: '[redacted]',
      status: 200,
      text2: 'x',
    });
  });

  it('turns errors into plain objects with masked message and stack', () => {
    const err = new TypeError('no chat 6281234567890');
    const out = scrub({ err }, false) as { err: { type: string; message: string; stack: string } };
    expect(out.err.type).toBe('TypeError');
    expect(out.err.message).toBe('no chat 62812****7890');
    expect(out.err.stack).toContain('62812****7890');
    expect(out.err.stack).not.toContain('6281234567890');
  });

  it('leaves numbers, booleans and null alone and keeps everything with pii', () => {
    expect(scrub({ time: 1764676873000, ok: true, none: null }, false)).toEqual({
      time: 1764676873000,
      ok: true,
      none: null,
    });
    const value = { text: 'secret', to: '6281234567890' };
    expect(scrub(value, true)).toBe(value);
  });
});
