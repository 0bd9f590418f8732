import { healthSummary } from './health-summary';

describe('healthSummary', () => {
  it('counts checks and shows no names, sessions or reasons', () => {
    const ok = healthSummary({
      status: 'ok',
      details: {
        database: { status: 'up' },
        heap: { status: 'up' },
        whatsapp: { status: 'up', sessions: { s1: 'x' } },
      },
    });
    expect(ok).toEqual({ status: 'ok', checks: { up: 3, down: 0 } });
  });

  it('answers a failure in the error shape with counts only', () => {
    const down = healthSummary({
      status: 'error',
      details: { database: { status: 'up' }, whatsapp: { status: 'down', failing: ['secret-session'] } },
    });
    expect(down).toEqual({
      status: 'error',
      checks: { up: 1, down: 1 },
      error: 'Service unavailable',
      details: '1 of 2 checks down; send the API key to see which',
    });
    expect(JSON.stringify(down)).not.toContain('secret-session');
  });
});
