import { KeyedMutex } from './keyed-mutex';

describe('KeyedMutex', () => {
  it('serialises tasks of one key and keeps going after a failure', async () => {
    const m = new KeyedMutex();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = m.run('s', async () => {
      order.push('a-start');
      await gate;
      order.push('a-end');
    });
    const b = m.run('s', async () => {
      order.push('b');
      throw new Error('boom');
    });
    const c = m.run('s', async () => order.push('c'));
    const other = m.run('t', async () => order.push('other'));
    await other;
    expect(order).toEqual(['a-start', 'other']);
    release();
    await a;
    await expect(b).rejects.toThrow('boom');
    await c;
    expect(order).toEqual(['a-start', 'other', 'a-end', 'b', 'c']);
  });
});
