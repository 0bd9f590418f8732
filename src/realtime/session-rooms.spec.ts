import { ALL_ROOM, MAX_SUBSCRIPTIONS, parseSessions, roomsFor, sessionRoom } from './session-rooms';

describe('session rooms', () => {
  it('reads nothing as "all sessions"', () => {
    for (const v of [undefined, null, '', []]) expect(parseSessions(v)).toEqual({ ok: true, sessions: [] });
  });

  it('accepts an array or a comma-separated string, without duplicates', () => {
    expect(parseSessions(['default', 'sales', 'default'])).toEqual({
      ok: true,
      sessions: ['default', 'sales'],
    });
    expect(parseSessions(' default, sales ,')).toEqual({ ok: true, sessions: ['default', 'sales'] });
  });

  it('refuses other shapes, odd ids and too many sessions', () => {
    expect(parseSessions({ a: 1 })).toMatchObject({ ok: false });
    expect(parseSessions([1])).toMatchObject({ ok: false });
    expect(parseSessions(['../etc'])).toMatchObject({ ok: false });
    expect(parseSessions(['a'.repeat(65)])).toMatchObject({ ok: false });
    const many = Array.from({ length: MAX_SUBSCRIPTIONS + 1 }, (_, i) => `s${i}`);
    expect(parseSessions(many)).toEqual({
      ok: false,
      details: `at most ${MAX_SUBSCRIPTIONS} sessions per client`,
    });
  });

  it('sends a session event to the all-sessions room and that session room; a session-less one to nobody by room', () => {
    expect(roomsFor('default')).toEqual([ALL_ROOM, sessionRoom('default')]);
    expect(roomsFor(null)).toEqual([]);
  });
});
