import { classifyStartupError } from '../startup-errors';

const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('classifyStartupError', () => {
  it.each([
    ['connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'],
    ['getaddrinfo ENOTFOUND db', 'ENOTFOUND'],
    ['the database system is starting up', '57P03'],
    ['sorry, too many clients already', '53300'],
    ['terminating connection due to administrator command', '57P01'],
    ['could not receive data from client', '08006'],
    ['Connection terminated unexpectedly', undefined],
    ['timeout exceeded when trying to connect', undefined],
  ])('waits for: %s', (message, code) => {
    expect(classifyStartupError(err(message, code), 'connecting').transient).toBe(true);
  });

  it.each([
    ['password authentication failed for user "app"', '28P01', 'the password in DATABASE_URL is wrong'],
    ['database "nope" does not exist', '3D000', 'does not exist: create it'],
    ['role "ghost" does not exist', '28000', 'may not log in'],
    ['relation "leads" already exists', '42P07', 'relation "leads" already exists'],
    ['something else entirely', undefined, 'something else entirely'],
  ])('stops on: %s', (message, code, says) => {
    const f = classifyStartupError(err(message, code), 'migration X');
    expect(f.transient).toBe(false);
    expect(f.reason).toContain(says);
    expect(f.reason.startsWith('migration X failed')).toBe(true);
  });

  it('a QueryFailedError carries its SQLSTATE on driverError; a URL in a message is never repeated', () => {
    const e = Object.assign(new Error('failed at postgres://app:secret@db:5432/funnel'), {
      driverError: { code: '3D000' },
    });
    const f = classifyStartupError(e, 'connecting');
    expect(f.transient).toBe(false);
    expect(f.reason).not.toContain('secret');
    expect(f.reason).toContain('[url]');
  });
});
