import { nextSendable } from './send-order';

const row = (id: string, chatJid: string, ready = true) => ({ id, chatJid, ready });
const pick = (rows: ReturnType<typeof row>[]) => nextSendable(rows, (r) => r.ready);

describe('nextSendable', () => {
  it('takes the first row when it is ready', () => {
    expect(pick([row('a', 'x'), row('b', 'y')])).toBe(0);
  });

  it('skips a row waiting for its media, and the later rows to its chat, but not other chats', () => {
    expect(pick([row('a', 'x', false), row('b', 'x'), row('c', 'y')])).toBe(2);
    expect(pick([row('a', 'x', false), row('b', 'x'), row('c', 'x')])).toBe(-1);
    expect(pick([row('a', 'x', false), row('b', 'y', false), row('c', 'x'), row('d', 'z')])).toBe(3);
  });

  it('answers -1 for no rows', () => {
    expect(pick([])).toBe(-1);
  });
});
