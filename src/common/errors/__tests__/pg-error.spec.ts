import { fromDbFault, fromPgError } from '../pg-error';

describe('database errors → stable codes', () => {
  it('client-data SQLSTATEs keep a client code; a cancelled statement is QUERY_TIMEOUT', () => {
    expect(fromPgError({ code: '23505', constraint: 'x' })?.code).toBe('CONFLICT');
    expect(fromPgError({ driverError: { code: '22021' } })?.code).toBe('BAD_USER_INPUT');
    expect(fromPgError({ code: '57014' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { reason: 'QUERY_TIMEOUT' },
    });
    expect(fromPgError({ code: 'XX000' })).toBeNull();
  });

  it.each([
    ['a full pool', { message: 'timeout exceeded when trying to connect' }, 'DATABASE_BUSY'],
    [
      'a row lock held past lock_timeout',
      { driverError: { code: '55P03' }, message: 'canceling statement due to lock timeout' },
      'DATABASE_BUSY',
    ],
    [
      'a killed connection',
      { driverError: { code: '57P01' }, message: 'terminating connection due to administrator command' },
      'DATABASE_UNAVAILABLE',
    ],
    [
      'a released query runner',
      { name: 'QueryRunnerAlreadyReleasedError', message: 'Query runner already released' },
      'DATABASE_UNAVAILABLE',
    ],
    ['a refused connection', { message: 'connect ECONNREFUSED 127.0.0.1:5432' }, 'DATABASE_UNAVAILABLE'],
    [
      'a reset socket (a rollback on a killed backend)',
      { code: 'ECONNRESET', message: 'read ECONNRESET' },
      'DATABASE_UNAVAILABLE',
    ],
    [
      'a transaction whose connection died between two statements',
      {
        name: 'QueryRunnerProviderAlreadyReleasedError',
        message:
          'Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.',
      },
      'DATABASE_UNAVAILABLE',
    ],
    [
      'a client released twice',
      { message: 'Release called on client which has already been released to the pool.' },
      'DATABASE_UNAVAILABLE',
    ],
    [
      'a database that does not accept connections',
      { code: '55000', message: 'database "x" is not currently accepting connections' },
      'DATABASE_UNAVAILABLE',
    ],
    ['a dropped database', { code: '3D000', message: 'database "x" does not exist' }, 'DATABASE_UNAVAILABLE'],
    [
      'a failed password',
      { code: '28P01', message: 'password authentication failed for user "x"' },
      'DATABASE_UNAVAILABLE',
    ],
    ['no pg_hba entry', { code: '28000', message: 'no pg_hba.conf entry' }, 'DATABASE_UNAVAILABLE'],
  ])('%s is a retryable RATE_LIMITED', (_what, err, reason) => {
    expect(fromDbFault(err)).toMatchObject({
      code: 'RATE_LIMITED',
      details: { reason, retryable: true, retryAfter: 1 },
    });
  });

  it('anything else is not a database fault', () => {
    expect(fromDbFault(new Error('boom'))).toBeNull();
    expect(fromDbFault({ code: '23505' })).toBeNull();
  });
});
