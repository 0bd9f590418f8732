import { copyOrder } from './copy-order';

describe('copyOrder', () => {
  it('puts each table after the tables it references, else by name', () => {
    expect(
      copyOrder([
        { name: 'webhook_attempts', references: ['webhook_deliveries'] },
        { name: 'webhook_deliveries', references: ['webhook_events', 'webhook_endpoints'] },
        { name: 'webhook_events', references: [] },
        { name: 'webhook_endpoints', references: [] },
        { name: 'messages', references: [] },
      ]),
    ).toEqual(['messages', 'webhook_endpoints', 'webhook_events', 'webhook_deliveries', 'webhook_attempts']);
  });

  it('puts the tables of `last` at the end, in that order, skipping those the source lacks', () => {
    expect(
      copyOrder(
        [
          { name: 'message_stats', references: [] },
          { name: 'a', references: [] },
          { name: 'webhook_attempt_stats', references: [] },
        ],
        ['webhook_attempt_stats', 'message_stats', 'missing_stats'],
      ),
    ).toEqual(['a', 'webhook_attempt_stats', 'message_stats']);
  });

  it('ignores self references and references to tables not copied', () => {
    expect(
      copyOrder([
        { name: 'b', references: ['b', 'elsewhere'] },
        { name: 'a', references: ['b'] },
      ]),
    ).toEqual(['b', 'a']);
  });

  it('refuses a cycle', () => {
    expect(() =>
      copyOrder([
        { name: 'a', references: ['b'] },
        { name: 'b', references: ['a'] },
      ]),
    ).toThrow(/cycle among: a, b/);
  });
});
