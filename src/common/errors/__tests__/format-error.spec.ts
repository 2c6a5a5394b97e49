import { GraphQLError, locatedError } from 'graphql';
import { setLogLevel } from '../../log/logger';
import { formatError } from '../format-error';

describe('formatError', () => {
  beforeAll(() => setLogLevel('silent'));

  it('a thrown value that is not an Error (graphql-js wraps it as NonErrorThrown) is classified by what it is', () => {
    // a socket error from another realm (Jest's sandbox sees net's errors so) or a library throwing a plain object
    const refused = { errno: -111, code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 5432 };
    const error = locatedError(refused, [], ['leads']);
    expect((error.originalError as { name?: string }).name).toBe('NonErrorThrown');
    const out = formatError({ message: error.message, path: ['leads'] }, error);
    expect(out.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'DATABASE_UNAVAILABLE', retryable: true });
  });

  it('anything else unknown stays masked as INTERNAL_SERVER_ERROR', () => {
    const error = locatedError({ what: 'no idea' }, [], ['x']);
    const out = formatError({ message: error.message, path: ['x'] }, error);
    expect(out).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(formatError({ message: 'x' }, new GraphQLError('x')).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });
});
