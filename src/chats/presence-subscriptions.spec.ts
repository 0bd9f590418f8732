import { PresenceSubscriptions } from './presence-subscriptions';

describe('PresenceSubscriptions', () => {
  it('keeps each session’s people once, forgetting the oldest beyond the limit', () => {
    const subs = new PresenceSubscriptions(2);
    subs.add('a', 'x@s.whatsapp.net');
    subs.add('a', 'y@s.whatsapp.net');
    subs.add('a', 'x@s.whatsapp.net');
    subs.add('a', 'z@s.whatsapp.net');
    subs.add('b', 'x@s.whatsapp.net');
    expect(subs.of('a')).toEqual(['x@s.whatsapp.net', 'z@s.whatsapp.net']);
    expect(subs.of('b')).toEqual(['x@s.whatsapp.net']);
    subs.clear('a');
    expect(subs.of('a')).toEqual([]);
  });
});
