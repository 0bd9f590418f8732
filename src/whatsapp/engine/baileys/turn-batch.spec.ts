import { TurnBatch } from './turn-batch';

describe('TurnBatch', () => {
  it('hands what was added in one turn to one flush, and every add gets its outcome', async () => {
    const flushed: number[][] = [];
    const batch = new TurnBatch<number>(async (items) => {
      flushed.push(items);
    });
    const first = [batch.add(1), batch.add(2), batch.add(3)];
    await Promise.all(first);
    expect(flushed).toEqual([[1, 2, 3]]);
    await batch.add(4);
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it('a failed flush rejects the adds of its turn only', async () => {
    let fail = true;
    const batch = new TurnBatch<string>(async () => {
      if (fail) throw new Error('disk full');
    });
    const failed = [batch.add('a'), batch.add('b')];
    await expect(Promise.all(failed)).rejects.toThrow('disk full');
    await Promise.allSettled(failed);
    fail = false;
    await expect(batch.add('c')).resolves.toBeUndefined();
  });

  it('adds made while a flush is under way start the next batch', async () => {
    const flushed: string[][] = [];
    let release!: () => void;
    const batch = new TurnBatch<string>(async (items) => {
      flushed.push(items);
      if (items[0] === 'a') await new Promise<void>((r) => (release = r));
    });
    const a = batch.add('a');
    await new Promise((r) => setImmediate(r));
    const b = batch.add('b');
    await new Promise((r) => setImmediate(r));
    expect(flushed).toEqual([['a'], ['b']]);
    release();
    await Promise.all([a, b]);
  });
});
