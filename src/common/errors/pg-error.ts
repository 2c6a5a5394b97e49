import { AppError } from './app-error';

interface PgLikeError {
  code?: string;
  constraint?: string;
  column?: string;
  driverError?: PgLikeError;
}

/** Maps a PostgreSQL error (SQLSTATE) caused by client data to an AppError; returns null for anything else. */
export function fromPgError(err: unknown): AppError | null {
  const e = err as PgLikeError;
  const pg = e?.driverError ?? e;
  const code = pg?.code;
  if (typeof code !== 'string') return null;
  switch (code) {
    case '23505':
      return new AppError('CONFLICT', 'A record with the same unique key already exists', {
        details: { constraint: pg.constraint },
      });
    case '23503':
      return new AppError('NOT_FOUND', 'A referenced record does not exist', {
        details: { constraint: pg.constraint },
      });
    case '23514':
    case '23502':
      return new AppError('BAD_USER_INPUT', 'A value is not allowed here', {
        details: { constraint: pg.constraint },
        field: pg.column,
      });
    case '22003':
      return new AppError('BAD_USER_INPUT', 'A number is out of range');
    case '22021':
    case '22P05':
      return new AppError('BAD_USER_INPUT', 'Text contains characters that cannot be stored (e.g. NUL)');
    case '22001':
      return new AppError('BAD_USER_INPUT', 'A value is too long');
    case '22007':
    case '22008':
      return new AppError('BAD_USER_INPUT', 'A date or time is out of range');
    case '57014':
      return new AppError(
        'BAD_USER_INPUT',
        'The query ran longer than the statement timeout; ask for a shorter period or smaller pages',
        { details: { reason: 'QUERY_TIMEOUT' } },
      );
    case '40001':
    case '40P01':
      return new AppError('CONFLICT', 'A concurrent write got in the way; retry', { details: { retryable: true } });
    default:
      return null;
  }
}

/**
 * SQLSTATEs that say the server cannot serve this session now, whatever the request: connection exceptions (08),
 * admin or crash shutdown (57P01-57P03), too many connections (53300), lock not available (55P03), a database that
 * does not accept connections (55000) or does not exist (3D000), and authentication failures (28).
 */
/** Seconds a client is told to wait after a database fault (the pool reconnects within that). */
export const DB_RETRY_AFTER_SECONDS = 1;

const CONNECTION_STATES = /^(08|57P0[123]|53300|55P03|55000|3D000|28)/;
/** Node's socket errors, by `code`. */
const SOCKET_CODES =
  /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;
const CONNECTION_MESSAGES = new RegExp(
  [
    'timeout exceeded when trying to connect',
    'Connection terminated',
    'Query runner already released',
    'connect ECONNREFUSED',
    'DataSource is not initialized',
    'Client was closed',
    'terminating connection',
    'read ECONNRESET',
    'write EPIPE',
    'has already been released',
    'was already released',
    'QueryRunnerProviderAlreadyReleased',
    'Client has encountered a connection error',
    'not queryable',
  ].join('|'),
  'i',
);

/**
 * The database is out of reach for a moment (pool exhausted, connection killed or refused, server restarting): the
 * request did nothing (its transaction, if any, rolled back), so it is safe to retry. Null for anything else.
 */
export function fromDbFault(err: unknown): AppError | null {
  const e = err as PgLikeError & { message?: string; name?: string };
  const code = (e?.driverError ?? e)?.code;
  // a full pool, or a row lock held past lock_timeout (55P03): the database is busy
  const busy = /timeout exceeded when trying to connect/i.test(e?.message ?? '') || code === '55P03';
  if (
    (typeof code === 'string' && (CONNECTION_STATES.test(code) || SOCKET_CODES.test(code))) ||
    CONNECTION_MESSAGES.test(`${e?.name ?? ''} ${e?.message ?? ''}`)
  ) {
    return new AppError(
      'RATE_LIMITED',
      busy
        ? 'The database is busy; retry shortly'
        : 'The database connection was lost; nothing was written, retry shortly',
      {
        details: {
          reason: busy ? 'DATABASE_BUSY' : 'DATABASE_UNAVAILABLE',
          retryAfter: DB_RETRY_AFTER_SECONDS,
          retryable: true,
        },
      },
    );
  }
  return null;
}
