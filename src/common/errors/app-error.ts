/** The stable codes a client can see in `extensions.code` (README, "Errors"). */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

/** Per-item codes inside a bulk result (ItemError.code) add these to the above. */
export type ItemErrorCode = ErrorCode | 'DUPLICATE_IN_REQUEST' | 'ROLLED_BACK';

export interface AppErrorOptions {
  field?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** An expected failure with a stable code; anything else reaching formatError is masked. */
export class AppError extends Error {
  readonly field?: string;
  readonly details?: Record<string, unknown>;
  constructor(
    readonly code: ItemErrorCode,
    message: string,
    opts: AppErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.field = opts.field;
    this.details = opts.details;
  }
}

export const badInput = (message: string, field?: string) => new AppError('BAD_USER_INPUT', message, { field });
/** NOT_FOUND naming the kind of record (`extensions.entity`: Lead, Deal, Campaign…), so a client can tell them apart. */
export const notFound = (what: string, key: string, field?: string) =>
  new AppError('NOT_FOUND', `${what} ${JSON.stringify(key)} was not found`, { field, details: { entity: what } });
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError('CONFLICT', message, { details });
