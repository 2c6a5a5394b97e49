import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLFormattedError } from 'graphql';
import { currentScope } from '../request/request-scope';
import { logger } from '../log/logger';
import { VALIDATION_ABORTED, VALIDATION_ABORTED_MESSAGE } from '../limits/validation-rules';
import { AppError } from './app-error';
import { fromDbFault, fromPgError } from './pg-error';

/** Codes Apollo/graphql-js give client mistakes (parse, validation, variable coercion, bad HTTP request). */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'IDEMPOTENCY_KEY_REUSED',
]);

function fromApp(e: AppError, f: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: e.message,
    locations: f.locations,
    path: f.path,
    extensions: { code: e.code, ...(e.field ? { field: e.field } : {}), ...(e.details ?? {}) },
  };
}

/**
 * What was thrown: graphql-js wraps a thrown value that is not an `Error` of its realm as `NonErrorThrown`
 * (`thrownValue` holds it). A driver's socket error (ECONNREFUSED from `net`) is one under Jest's sandbox, and a
 * library may throw a plain object anywhere: classified by what it is, not masked as an internal error.
 */
function thrownValueOf(e: unknown): unknown {
  const w = e as { name?: string; thrownValue?: unknown } | null;
  return w && w.name === 'NonErrorThrown' && w.thrownValue !== undefined ? w.thrownValue : e;
}

/**
 * The one place errors leave the server: AppErrors and SQLSTATEs caused by client data keep a stable code; client
 * mistakes found by graphql-js keep theirs; everything else is logged with the request id and masked.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = thrownValueOf(unwrapResolverError(error));
  if (original instanceof AppError) return fromApp(original, formatted);
  const mapped = fromPgError(original) ?? fromDbFault(original);
  if (mapped) {
    if (mapped.code === 'RATE_LIMITED')
      logger.warn('database fault', { requestId: currentScope()?.requestId, err: original });
    return fromApp(mapped, formatted);
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const {
      stacktrace: _drop,
      exception: _drop2,
      http: _drop3,
      ...extensions
    } = (formatted.extensions ?? {}) as Record<string, unknown>;
    if (VALIDATION_ABORTED.test(formatted.message)) {
      return { message: VALIDATION_ABORTED_MESSAGE, extensions: { ...extensions, limit: 'MAX_VALIDATION_ERRORS' } };
    }
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  const requestId = currentScope()?.requestId;
  logger.error('unexpected error', { requestId, err: original, path: formatted.path });
  return {
    message: 'Internal server error',
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  };
}
