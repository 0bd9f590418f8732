import { planTable, TargetColumn, toTargetValues } from './table-plan';

const col = (name: string, dataType = 'text', identity = false): TargetColumn => ({
  name,
  dataType,
  identity,
});

describe('planTable', () => {
  it('copies the columns both sides have, in the source order, naming booleans and identity columns', () => {
    const result = planTable({ name: 'messages', columns: ['seq', 'id', 'from_me', 'text'], key: ['seq'] }, [
      col('id'),
      col('seq', 'bigint', true),
      col('text'),
      col('from_me', 'boolean'),
      col('read_by_me_at', 'bigint'),
    ]);
    expect(result).toEqual({
      plan: {
        table: 'messages',
        columns: ['seq', 'id', 'from_me', 'text'],
        booleans: ['from_me'],
        key: ['seq'],
        identity: ['seq'],
      },
    });
  });

  it('refuses a table or a column the target lacks (its data would be lost)', () => {
    expect(planTable({ name: 'extra', columns: ['a'], key: ['a'] }, undefined)).toEqual({
      problem: 'table extra does not exist in the target',
    });
    expect(planTable({ name: 'extra', columns: ['a'], key: ['a'] }, [])).toEqual({
      problem: 'table extra does not exist in the target',
    });
    expect(
      planTable({ name: 'messages', columns: ['id', 'new_a', 'new_b'], key: ['id'] }, [col('id')]),
    ).toEqual({
      problem: "the target's messages has no column new_a, new_b",
    });
  });
});

describe('toTargetValues', () => {
  it('turns 0/1 into booleans in boolean columns and keeps every other value as stored', () => {
    const plan = {
      table: 't',
      columns: ['a', 'b', 'c', 'd', 'e'],
      booleans: ['a', 'b', 'e'],
      key: ['c'],
      identity: [],
    };
    const blob = Buffer.from([0, 1, 2]);
    expect(toTargetValues({ a: 1, b: 0, c: 7, d: blob, e: null }, plan)).toEqual([
      true,
      false,
      7,
      blob,
      null,
    ]);
    expect(toTargetValues({ a: 1, b: 0, c: 'ü 🎉', d: null, e: 1 }, plan)).toEqual([
      true,
      false,
      'ü 🎉',
      null,
      true,
    ]);
  });
});
