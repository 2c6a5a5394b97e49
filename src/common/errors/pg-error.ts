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
      return new AppError('CONFLICT', 'A record with the same unique key already exists', { details: { constraint: pg.constraint } });
    case '23503':
      return new AppError('NOT_FOUND', 'A referenced record does not exist', { details: { constraint: pg.constraint } });
    case '23514':
    case '23502':
      return new AppError('BAD_USER_INPUT', 'A value is not allowed here', { details: { constraint: pg.constraint }, field: pg.column });
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
    case '40001':
    case '40P01':
      return new AppError('CONFLICT', 'A concurrent write got in the way; retry', { details: { retryable: true } });
    default:
      return null;
  }
}
