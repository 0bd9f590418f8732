import { describeDatabaseError } from './describe-database-error';

const URL = 'postgres://gw:s3cr%40t@db.internal:5432/gw';

describe('describeDatabaseError', () => {
  it('names DATABASE_URL without its password, the code and what it means', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    expect(describeDatabaseError(refused, URL)).toBe(
      'Cannot use the PostgreSQL database of DATABASE_URL (postgres://gw:***@db.internal:5432/gw): ' +
        'ECONNREFUSED, nothing accepts connections at that host and port (connect ECONNREFUSED 10.0.0.5:5432)',
    );
    const auth = Object.assign(new Error('password authentication failed for user "gw"'), { code: '28P01' });
    expect(describeDatabaseError(auth, URL)).toBe(
      'Cannot use the PostgreSQL database of DATABASE_URL (postgres://gw:***@db.internal:5432/gw): ' +
        '28P01, wrong user name or password (password authentication failed for user "gw")',
    );
  });

  it('reads the first error of an AggregateError (one per address of the host)', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    const err = new AggregateError([inner, new Error('connect ECONNREFUSED 127.0.0.1:5432')], '');
    expect(describeDatabaseError(err, URL)).toMatch(
      /: ECONNREFUSED, nothing accepts connections at that host and port \(connect ECONNREFUSED ::1:5432\)$/,
    );
  });

  it('keeps an unknown error as it is, and never shows the password, encoded or not', () => {
    expect(describeDatabaseError(new Error('The server does not support SSL connections'), URL)).toMatch(
      /\): The server does not support SSL connections$/,
    );
    const leaky = new Error('could not connect with password s3cr@t (s3cr%40t)');
    const text = describeDatabaseError(leaky, URL);
    expect(text).not.toMatch(/s3cr/);
    expect(describeDatabaseError('timeout expired', URL)).toMatch(/\): timeout expired$/);
  });
});
