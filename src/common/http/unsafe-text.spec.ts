import { findUnsafeText } from './unsafe-text';

describe('findUnsafeText', () => {
  it('accepts astral emoji, combining characters and other valid Unicode', () => {
    expect(findUnsafeText({ text: 'Halo 👋🏽 e\u0301 \u{1F468}\u200D\u{1F469}', n: 1, ok: true })).toBeNull();
    expect(findUnsafeText(['a', { b: ['c', null] }])).toBeNull();
  });

  it('finds NUL and unpaired surrogates in values and keys, with their path', () => {
    expect(findUnsafeText({ text: 'a\0b' })).toEqual({ path: 'text', problem: 'NUL character' });
    expect(findUnsafeText({ rows: [{ title: 'x' }, { title: 'bad \uD83D' }] })).toEqual({
      path: 'rows.1.title',
      problem: 'unpaired surrogate',
    });
    expect(findUnsafeText({ caption: '\uDE00 trailing half' })?.problem).toBe('unpaired surrogate');
    expect(findUnsafeText({ ['k\uD800']: 1 })?.problem).toBe('unpaired surrogate');
  });

  it('never repeats a name that is long or unusual', () => {
    expect(findUnsafeText({ ['<script>']: { text: '\0' } })?.path).toBe('?.text');
    expect(findUnsafeText({ ['x'.repeat(200)]: '\0' })?.path).toBe('?');
  });
});
